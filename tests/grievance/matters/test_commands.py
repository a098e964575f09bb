import pytest
from django.core.management import CommandError, call_command

from grievance.models import Matter, MatterRule

from .test_io import GOOD_ROWS, csv_bytes


@pytest.mark.django_db
def test_import_command_dry_run_then_real(units, tmp_path, capsys):
    source = tmp_path / "list.csv"
    source.write_bytes(csv_bytes(GOOD_ROWS))
    call_command("matters_import", str(source), "--dry-run")
    assert "试导入" in capsys.readouterr().out
    assert Matter.objects.count() == 0
    call_command("matters_import", str(source))
    assert MatterRule.objects.count() == 3


@pytest.mark.django_db
def test_import_command_fails_on_errors(units, tmp_path, capsys):
    source = tmp_path / "bad.csv"
    source.write_bytes(csv_bytes(["城乡建设,城管,路灯,0101009,,,fixed,PS-NOPE"]))
    with pytest.raises(CommandError):
        call_command("matters_import", str(source))
    assert "第2行" in capsys.readouterr().out
    assert Matter.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("matters_import", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_export_command_round_trip(units, tmp_path):
    source = tmp_path / "list.csv"
    source.write_bytes(csv_bytes(GOOD_ROWS))
    call_command("matters_import", str(source))
    target = tmp_path / "out.xlsx"
    call_command("matters_export", "--format", "xlsx", "--output", str(target))
    assert target.read_bytes().startswith(b"PK")
    call_command("matters_import", str(target))
    assert MatterRule.objects.count() == 3
