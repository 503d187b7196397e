import pytest

from crm.cli import main


def test_help_lists_the_verbs(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--help"])
    out = capsys.readouterr().out
    for verb in ("run", "migrate", "demo", "createadmin", "manage"):
        assert f"\n  {verb} " in out


def test_unknown_verb_exits_2_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["bogus"])
    assert exited.value.code == 2
    assert "unknown command 'bogus'" in capsys.readouterr().err


def test_manage_reaches_any_django_verb(capsys: pytest.CaptureFixture[str]) -> None:
    main(["manage", "check"])
    assert "no issues" in capsys.readouterr().out


@pytest.mark.django_db
def test_createadmin_refuses_a_weak_password_and_creates_a_strong_one() -> None:
    # call_command, not main(): run_from_argv closes the test's database connection
    from django.core.management import CommandError, call_command

    from crm.org.models import User

    with pytest.raises(CommandError):
        call_command("createadmin", username="boss", password="123")
    assert not User.objects.filter(username="boss").exists()
    call_command("createadmin", username="boss", password="Strong-Pass-77")
    boss = User.objects.get(username="boss")
    assert boss.is_superuser and boss.unit is not None
    assert list(boss.roles.values_list("code", flat=True)) == ["admin"]
