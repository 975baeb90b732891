"""Notifications: who must be told of an event (written with it, audit.recorded), the
portal's list and each person's choices, mail (Flask-Mailman; `.eml` files in
instance/outbox/ unless SMTP is configured), weekly digests, `flask notify send`, and the
password self-service that mails a reset link."""


def init_app(app) -> None:
    from kmportal.audit.service import recorded
    from kmportal.notifications import mail, models, sending, service  # noqa: F401
    from kmportal.notifications.cli import notify_cli
    from kmportal.notifications.views import bp, password_bp

    app.config.setdefault("BASE_URL", "http://127.0.0.1:5000")
    app.config.setdefault("MAIL_MAX_ATTEMPTS", 8)
    app.config.setdefault("MAIL_RETRY_SECONDS", 300)  # then 10, 20, 40 minutes...
    app.config.setdefault("MAIL_CLAIM_TIMEOUT", 3600)
    app.config.setdefault("FOLLOW_UP_NOTICE_DAYS", 14)
    app.config.setdefault("PASSWORD_RESET_MAX_AGE", 3600)
    mail.init_app(app)
    sending.init_app(app)
    recorded.connect(service.on_recorded, weak=False)
    app.register_blueprint(bp)
    app.register_blueprint(password_bp)
    app.cli.add_command(notify_cli)
    app.jinja_env.globals["unread_notifications"] = service.unread_count
