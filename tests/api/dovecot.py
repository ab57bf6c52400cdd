"""A throw-away Dovecot IMAP server for the tests: started on a free
loopback port with a config of its own in a temporary directory, one
passwd-file user and a maildir; messages are placed with `doveadm save`
and their flags read back with imaplib (a client of its own, so the
checks do not lean on the code under test).
"""

import imaplib
import os
import pwd
import grp
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

from test_notify import free_port

DOVECOT = "/usr/sbin/dovecot"

_CONF = """\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = {listen}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = {listen}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
"""


def global_address():
    """An IPv4 address of this machine that is not loopback, or None."""
    try:
        out = subprocess.run(["ip", "-4", "-o", "addr", "show", "scope",
                              "global"], capture_output=True, text=True,
                             timeout=10).stdout
    except OSError:
        return None
    for line in out.splitlines():
        words = line.split()
        if "inet" in words:
            return words[words.index("inet") + 1].split("/")[0]
    return None


def _children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry))
    return out


class Dovecot:
    """One server with the user "support"."""

    user = "support"

    def __init__(self, also=None):
        """also: another address of this machine to listen on."""
        self.listen = "127.0.0.1" + (", " + also if also else "")
        self.dir = tempfile.mkdtemp(prefix="tix-dovecot-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.password = uuid.uuid4().hex
        for sub in ("run", "state", "home"):
            os.mkdir(os.path.join(self.dir, sub))
        if os.geteuid() == 0:
            # Dovecot refuses mail access as root.
            uid = pwd.getpwnam("nobody").pw_uid
            gid = grp.getgrnam("nogroup").gr_gid
            os.chown(os.path.join(self.dir, "home"), uid, gid)
            users = ""
        else:
            uid, gid = os.getuid(), os.getgid()
            me = pwd.getpwuid(uid).pw_name
            users = ("default_internal_user = %s\n"
                     "default_login_user = %s\n" % (me, me))
        self.conf = os.path.join(self.dir, "dovecot.conf")
        with open(self.conf, "w") as f:
            f.write(_CONF.format(d=self.dir, uid=uid, gid=gid,
                                 port=self.port, users=users,
                                 listen=self.listen))
        with open(os.path.join(self.dir, "passwd"), "w") as f:
            f.write("%s:{PLAIN}%s::::::\n" % (self.user, self.password))
        self.password_file = os.path.join(self.dir, "imap-password")
        with open(self.password_file, "w") as f:
            f.write(self.password + "\n")
        os.chmod(self.password_file, 0o600)

    @property
    def url(self):
        return "imap://127.0.0.1:%d/INBOX" % self.port

    def env(self):
        """The settings tix-mailin --imap needs for this server."""
        return {"TIX_IMAP_USER": self.user,
                "TIX_IMAP_PASSWORD_FILE": self.password_file}

    def start(self):
        # It forks into the background: no pipes for it to hold open.
        subprocess.run([DOVECOT, "-c", self.conf], check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port),
                                         timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start: %s" % self.log())

    def stop(self):
        pidfile = os.path.join(self.dir, "run", "master.pid")
        try:
            with open(pidfile) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return
        # Its client processes may serve their connections a while
        # after the master is gone: end them too, as a restart of the
        # machine would, so every connection drops.
        children = _children(pid)
        os.kill(pid, signal.SIGTERM)
        for child in children:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port),
                                         timeout=1).close()
                time.sleep(0.05)
            except OSError:
                return

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        try:
            with open(os.path.join(self.dir, "dovecot.log")) as f:
                return f.read()
        except OSError:
            return ""

    def save(self, raw):
        """Deliver raw (bytes) into INBOX, as an MDA would."""
        subprocess.run(["doveadm", "-c", self.conf, "save", "-u",
                        self.user], input=raw, check=True,
                       capture_output=True, timeout=30)

    def flags(self):
        """{Message-ID: set of flags} of every message in INBOX, read
        without changing any."""
        out = {}
        with imaplib.IMAP4("127.0.0.1", self.port) as c:
            c.login(self.user, self.password)
            c.select("INBOX", readonly=True)
            typ, data = c.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER."
                              "FIELDS (MESSAGE-ID)])")
            for item in data:
                if not isinstance(item, tuple):
                    continue
                fl = re.search(rb"FLAGS \(([^)]*)\)", item[0])
                mid = re.search(rb"<([^>]+)>", item[1])
                if fl and mid:
                    out[mid.group(1).decode()] = set(
                        fl.group(1).decode().split()) - {"\\Recent"}
        return out
