"""Demo data: a labelled set of practices and accounts to try the portal with."""


def init_app(app) -> None:
    from kmportal.demo.cli import demo_cli

    app.cli.add_command(demo_cli)
