"""`flask practices import`: the report row by row, in the account's language."""

import json

import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.practices.models import Practice
from tests.importing.helpers import SCORES, csv_bytes, json_bytes, row


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_dry_run_lists_rows_in_the_users_language(runner, tmp_path, focal_br):
    path = write(tmp_path, "p.csv", csv_bytes([row(), row(external_id="b", country="CO")]))
    result = runner.invoke(args=["practices", "import", path, "--as", focal_br.email, "--dry-run"])
    assert "Linha 2: criada (Rascunho)" in result.output, result.output
    assert "Linha 3: recusada" in result.output
    assert "Você só pode importar práticas do seu próprio país (BR)." in result.output
    assert "Simulação: nada foi salvo." in result.output and result.exit_code == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Practice)) == 0


def test_import_as_secretariat_publishes(runner, tmp_path, secretariat):
    path = write(tmp_path, "p.json", json_bytes([row(**SCORES)]))
    result = runner.invoke(args=["practices", "import", path, "--as", secretariat.email])
    assert result.exit_code == 0, result.output
    assert "Importación terminada" in result.output
    assert db.session.scalar(sa.select(Practice.state)).value == "published"


def test_json_report(runner, tmp_path, focal_br):
    path = write(tmp_path, "p.csv", csv_bytes([row()]))
    args = ["practices", "import", path, "--as", focal_br.email, "--json", "--skip-bad-rows"]
    result = runner.invoke(args=args)
    report = json.loads(result.output)
    assert report["committed"] and report["counts"]["created"] == 1


def test_bad_file_is_a_message_not_a_traceback(runner, tmp_path, focal_br):
    path = write(tmp_path, "p.json", b"[{")
    result = runner.invoke(args=["practices", "import", path, "--as", focal_br.email])
    assert result.exit_code == 1 and "O JSON não é válido na linha 1." in result.output
    assert "Traceback" not in result.output


def test_unknown_account(runner, tmp_path):
    path = write(tmp_path, "p.csv", csv_bytes([row()]))
    result = runner.invoke(args=["practices", "import", path, "--as", "nobody@example.org"])
    assert result.exit_code != 0 and "nobody@example.org" in result.output
