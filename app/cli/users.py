"""``podium users``: creating one account, and importing accounts from a CSV file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import settings_or_exit, transaction

users_cli = typer.Typer(help="Accounts.", no_args_is_help=True)


def _read_password(confirm: bool = True) -> str:
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Email address (the login).")],
    role: Annotated[str, typer.Option(help="executive, trainer, hr or admin.")],
    full_name: Annotated[str, typer.Option("--name", help="Full name.")] = "",
    department: Annotated[str, typer.Option(help="Department.")] = "",
) -> None:
    """Create an account. The password is read from a prompt, or from stdin when piped."""
    from app.admin import forms, service
    from app.security.passwords import PasswordPolicyError, check_policy

    settings = settings_or_exit()
    problems = []
    clean_email, error = forms.clean_email(email)
    if error:
        problems.append(f"--email: {error}")
    clean_role, error = forms.clean_role(role)
    if error:
        problems.append(f"--role: {error}")
    name, error = forms.clean_name(full_name or email.split("@")[0])
    if error:
        problems.append(f"--name: {error}")
    dept, error = forms.clean_department(department)
    if error:
        problems.append(f"--department: {error}")
    if problems:
        for p in problems:
            typer.secho(p, err=True, fg="red")
        raise typer.Exit(1)
    password = _read_password()
    try:
        check_policy(password)
    except PasswordPolicyError as exc:
        typer.secho(f"Password: {exc}", err=True, fg="red")
        raise typer.Exit(1) from exc
    with transaction(settings) as session:
        if service.get_user_by_email(session, clean_email) is not None:
            typer.secho(f"--email: an account with {clean_email} already exists.", err=True,
                        fg="red")
            raise typer.Exit(1)
        assert clean_role is not None
        user = service.create_user(session, settings, email=clean_email, full_name=name,
                                   role=clean_role, department=dept, password=password)
        typer.echo(f"Created {user.email} ({user.role.value}).")


@users_cli.command("import")
def users_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    valid_only: Annotated[bool, typer.Option(
        "--valid-only", help="Import the valid rows even when some rows are rejected.")] = False,
) -> None:
    """Import or update accounts from a CSV file (email, full name, role, department, cohort)."""
    from app.admin import importer

    settings = settings_or_exit()
    text, error = importer.decode_upload(file.read_bytes(), limit=settings.max_csv_bytes)
    if error:
        typer.secho(f"{file}: {error}", err=True, fg="red")
        raise typer.Exit(1)
    with transaction(settings) as session:
        plan = importer.plan_import(session, text)
        for message in plan.file_errors:
            typer.secho(f"{file}: {message}", err=True, fg="red")
        for row in plan.rows:
            detail = "; ".join(row.reasons or row.changes)
            line = f"{file}:{row.line}: {row.action.value} {row.email}"
            if detail:
                line += f" ({detail})"
            typer.secho(line, err=row.action == "reject",
                        fg="red" if row.action == "reject" else None)
        if plan.file_errors or (plan.rejected and not valid_only):
            typer.secho("Nothing was imported." + (" Fix the rows above, or use --valid-only."
                                                  if plan.rejected else ""), err=True, fg="red")
            raise typer.Exit(1)
        done = importer.apply_import(session, settings, plan, valid_only=valid_only)
    typer.echo(f"Imported {done} row(s): {plan.count('create')} created, "
               f"{plan.count('update')} updated, {plan.count('unchanged')} unchanged, "
               f"{plan.rejected} rejected.")
