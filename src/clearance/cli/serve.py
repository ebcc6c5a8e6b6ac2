# SPDX-License-Identifier: Apache-2.0
"""``clearance serve`` (the web app), ``clearance publish`` (public pages as static HTML) and
``clearance users`` (local users and API tokens of the web app). Needs ``clearance[web]``."""

from __future__ import annotations

import ipaddress
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from clearance.cli._app import app, console, out, print_json, run
from clearance.decide.takedown import default_ledger_path
from clearance.errors import InputError

if TYPE_CHECKING:
    from clearance.web.users import UserStore

__all__ = ["users_app"]

users_app = typer.Typer(
    help="Users of the web app (roles viewer, counsel, admin) and their API tokens.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")

_STATE_HELP = "Folder for users.sqlite and secret.key (default .clearance/web)."
StateOption = Annotated[Path, typer.Option("--state", help=_STATE_HELP)]
LedgerOption = Annotated[
    Path | None,
    typer.Option(help="Takedown ledger (default: $CLEARANCE_TAKEDOWN_LEDGER or "
                 ".clearance/takedowns.sqlite)."),
]  # fmt: skip
_DEFAULT_STATE = Path(".clearance") / "web"
PortalOption = Annotated[str | None, typer.Option(help="Public URL of the opt-out portal.")]


def _web() -> Any:
    try:
        import clearance.web as web
    except ImportError as exc:
        raise InputError(
            f"the web app needs its extra: pip install 'clearance[web]' ({exc.name} missing)"
        ) from exc
    return web


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("serve")
def serve(
    scan_dirs: Annotated[list[Path], typer.Argument(help="Scan folders (clearance scan --out).")],
    ledger: LedgerOption = None,
    host: Annotated[str, typer.Option(help="Address to bind; loopback by default.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000,
    state: StateOption = _DEFAULT_STATE,
    policies: Annotated[Path, typer.Option(help="Folder the policy editor saves into.")] = Path(
        ".clearance"
    ) / "policies",
    portal_url: PortalOption = None,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies", help="Drop the Secure flag (plain http on a non-loopback host; "
        "not advised: put TLS in front instead).")] = False,
) -> None:
    """Serve the dashboard, law browser, policy editor, transparency pages and opt-out portal.

    Prints the address; with no user that can sign in by password yet, also a one-time sign-in
    link for the 'admin' user (set a password with `clearance users passwd admin`).
    """
    web = run(_web)
    settings = web.WebSettings(
        scans=tuple(scan_dirs), ledger=ledger or default_ledger_path(), state_dir=state,
        policies_dir=policies, secure_cookies=not insecure_cookies, portal_url=portal_url,
    )  # fmt: skip
    application = run(lambda: web.create_app(settings))
    users: UserStore = application.state.web.users
    base = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    if users.has_password_user():
        out.print(f"clearance: serving {len(settings.scans)} scan(s): open [bold]{base}/[/]",
                  soft_wrap=True)  # fmt: skip
    else:  # a first start: the printed address signs the operator in once
        if not any(u["name"] == "admin" for u in users.users()):
            run(lambda: users.add("admin", "admin"))
        link = web.app.one_time_link(application, "admin")
        out.print(f"clearance: serving {len(settings.scans)} scan(s): open [bold]{base}{link}[/]"
                  " (signs you in once as admin; then set a password: clearance users passwd "
                  "admin)", soft_wrap=True)  # fmt: skip
    out.print(f"public pages: {base}/transparency  {base}/opt-out  (Ctrl-C stops)",
              soft_wrap=True)  # fmt: skip
    if not _loopback(host):
        console.print(f"[yellow]warning[/]: {host} is reachable from other machines; put TLS "
                      "in front (cookies are Secure)")  # fmt: skip
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(message)s")  # fmt: skip
    import uvicorn

    uvicorn.run(application, host=host, port=port, access_log=False, log_level="warning",
                server_header=False)  # fmt: skip


@app.command("publish")
def publish(
    scan_dir: Annotated[Path, typer.Argument(help="Scan folder whose public pages to write.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Site folder to write.")],
    ledger: LedgerOption = None,
    portal_url: PortalOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the files as JSON.")] = False,
) -> None:
    """Write the public pages (transparency, how to opt out, opt-in licence) as static HTML."""
    web = run(_web)
    written = run(lambda: web.publish_site([scan_dir], out_dir,
                                           ledger=ledger or default_ledger_path(),
                                           portal_url=portal_url))  # fmt: skip
    if as_json:
        print_json(written)
    else:
        out.print(f"wrote {len(written)} files to {out_dir} (open {out_dir / 'index.html'})")


def _store(state: Path) -> UserStore:
    return run(lambda: _web().UserStore(state / "users.sqlite"))  # type: ignore[no-any-return]


def _password(confirm: bool = True) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=confirm))


@users_app.command("add")
def users_add(
    name: str,
    role: Annotated[str, typer.Option(help="viewer, counsel or admin.")] = "viewer",
    no_password: Annotated[bool, typer.Option("--no-password",
                                              help="API tokens only.")] = False,  # fmt: skip
    state: StateOption = _DEFAULT_STATE,
) -> None:
    """Add a user (the password is read from the terminal, or one line of standard input)."""
    store = _store(state)
    password = None if no_password else _password()
    user = run(lambda: store.add(name, role, password))
    out.print(f"added {user.name} ({user.role})")


@users_app.command("passwd")
def users_passwd(name: str, state: StateOption = _DEFAULT_STATE) -> None:
    """Set a user's password."""
    store = _store(state)
    password = _password()
    run(lambda: store.set_password(name, password))
    out.print(f"password set for {name}")


@users_app.command("role")
def users_role(name: str, role: str, state: StateOption = _DEFAULT_STATE) -> None:
    """Change a user's role."""
    run(lambda: _store(state).set_role(name, role))
    out.print(f"{name} is now {role}")


@users_app.command("remove")
def users_remove(name: str, state: StateOption = _DEFAULT_STATE) -> None:
    """Remove a user with their tokens and sessions."""
    run(lambda: _store(state).remove(name))
    out.print(f"removed {name}")


@users_app.command("list")
def users_list(
    state: StateOption = _DEFAULT_STATE,
    as_json: Annotated[bool, typer.Option("--json", help="Write JSON.")] = False,
) -> None:
    """List users and their tokens (ids only)."""
    store = _store(state)
    users, tokens = store.users(), store.tokens()
    if as_json:
        print_json({"users": users, "tokens": tokens})
        return
    table = Table("user", "role", "password", "tokens")
    for u in users:
        table.add_row(str(u["name"]), str(u["role"]), "set" if u["has_password"] else "-",
                      str(u["tokens"]))  # fmt: skip
    out.print(table)


@users_app.command("token")
def users_token(
    name: str,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
    state: StateOption = _DEFAULT_STATE,
) -> None:
    """Issue an API token (printed once; send it as `Authorization: Bearer TOKEN`)."""
    token = run(lambda: _store(state).issue_token(name, label))
    sys.stdout.write(token + "\n")


@users_app.command("revoke")
def users_revoke(token_id: str, state: StateOption = _DEFAULT_STATE) -> None:
    """Revoke a token by its id (`clearance users list`)."""
    run(lambda: _store(state).revoke_token(token_id))
    out.print(f"revoked {token_id}")
