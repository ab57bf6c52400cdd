"""image.py: the Dockerfile's runtime stage and docker-compose.yml's
services, turned into what tests/deploy/image.sh runs.

  image.py image ROOT BUILD IMG      carry out the runtime stage's steps
                                     into the directory IMG; print
                                     "packages P..." and "user UID GID"
  image.py services COMPOSE IMG OUT  for each service of COMPOSE (the
                                     output of `docker-compose config`)
                                     write OUT/NAME.{bwrap,cmd,env,health}
                                     (NUL-separated words) and
                                     OUT/NAME.meta; print the names

Only the Dockerfile instructions the runtime stage uses are understood
(FROM, RUN with apt-get install / groupadd / useradd / install -d,
COPY, ENV, USER, EXPOSE, CMD); any other one is an error, so that the
test cannot pass over a step it does not carry out.
"""
import os
import re
import shlex
import shutil
import stat
import sys

import yaml

# The nginx image's entrypoint (its templates rendered, then the command)
# and default command; tests/deploy/image.sh makes that entrypoint.
NGINX_ENTRYPOINT = ["/docker-entrypoint.sh"]
NGINX_CMD = ["nginx", "-g", "daemon off;"]
DOCKER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def die(msg):
    sys.stderr.write("image.py: %s\n" % msg)
    sys.exit(1)


def runtime_stage(dockerfile):
    """The instructions after the last FROM, continuation lines joined."""
    text = open(dockerfile).read().replace("\\\n", " ")
    lines = [l.strip() for l in text.splitlines()]
    lines = [l for l in lines if l and not l.startswith("#")]
    last = max(i for i, l in enumerate(lines) if l.upper().startswith("FROM "))
    return lines[last], lines[last + 1:]


def passwd_lookup(img, name, db):
    for line in open(os.path.join(img, "etc", db)):
        f = line.rstrip("\n").split(":")
        if f[0] == name or f[2] == name:
            return int(f[2])
    die("%s: no %s in the image's /etc/%s" % (name, name, db))


def run_step(img, cmd, out):
    """One RUN: a chain of && commands, each of a kind we know."""
    for part in re.split(r"\s*&&\s*", cmd):
        w = shlex.split(part)
        if not w:
            continue
        if w[:2] == ["apt-get", "update"] or w[:2] == ["rm", "-rf"]:
            continue
        if w[:2] == ["apt-get", "install"]:
            out["packages"] += [x for x in w[2:] if not x.startswith("-")]
        elif w[0] == "groupadd":
            gid = w[w.index("--gid") + 1]
            with open(os.path.join(img, "etc/group"), "a") as f:
                f.write("%s:x:%s:\n" % (w[-1], gid))
        elif w[0] == "useradd":
            uid = w[w.index("--uid") + 1]
            gid = passwd_lookup(img, w[w.index("--gid") + 1], "group")
            home = w[w.index("--home-dir") + 1]
            shell = w[w.index("--shell") + 1]
            with open(os.path.join(img, "etc/passwd"), "a") as f:
                f.write("%s:x:%s:%d::%s:%s\n" % (w[-1], uid, gid, home, shell))
        elif w[:2] == ["install", "-d"]:
            owner = group = "root"
            mode = "0755"
            args = w[2:]
            paths = []
            i = 0
            while i < len(args):
                if args[i] in ("-o", "-g", "-m"):
                    val = args[i + 1]
                    if args[i] == "-o":
                        owner = val
                    elif args[i] == "-g":
                        group = val
                    else:
                        mode = val
                    i += 2
                else:
                    paths.append(args[i])
                    i += 1
            for p in paths:
                d = img + p
                os.makedirs(d, exist_ok=True)
                os.chown(d, passwd_lookup(img, owner, "passwd"),
                         passwd_lookup(img, group, "group"))
                os.chmod(d, int(mode, 8))
        else:
            die("RUN step not understood: %s" % part)


def copy(src, dst):
    if os.path.isdir(src):
        shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


def image(root, build, img):
    base, steps = runtime_stage(os.path.join(root, "Dockerfile"))
    if not re.match(r"FROM debian:12", base):
        die("the runtime stage is not Debian 12: %s" % base)
    out = {"packages": [], "env": {"PATH": DOCKER_PATH}, "user": "root",
           "cmd": []}
    for step in steps:
        op, _, arg = step.partition(" ")
        op = op.upper()
        if op == "RUN":
            run_step(img, arg, out)
        elif op == "COPY":
            w = shlex.split(arg)
            stage = None
            if w[0].startswith("--from="):
                stage = w.pop(0)[len("--from="):]
            dest = w[-1]
            for src in w[:-1]:
                if stage == "build":
                    # The build stage's tree is this build directory.
                    if not src.startswith("/src/build/"):
                        die("COPY from the build stage of %s" % src)
                    path = os.path.join(build, src[len("/src/build/"):])
                elif stage is None:
                    path = os.path.join(root, src)
                else:
                    die("COPY --from=%s" % stage)
                if not os.path.exists(path):
                    die("COPY %s: %s does not exist" % (src, path))
                target = img + dest
                if dest.endswith("/"):
                    target = os.path.join(target, os.path.basename(src))
                copy(path, target)
        elif op == "ENV":
            k, _, v = arg.partition("=")
            out["env"][k.strip()] = v.strip()
        elif op == "USER":
            out["user"] = arg.strip()
        elif op == "CMD":
            out["cmd"] = yaml.safe_load(arg)
        elif op in ("EXPOSE", "WORKDIR"):
            pass
        else:
            die("Dockerfile instruction not understood: %s" % step)
    user, _, group = out["user"].partition(":")
    uid = passwd_lookup(img, user, "passwd")
    gid = passwd_lookup(img, group or user, "group")
    print("packages " + " ".join(out["packages"]))
    print("user %d %d" % (uid, gid))
    with open(os.path.join(img, ".image-env"), "w") as f:
        for k, v in out["env"].items():
            f.write("%s=%s\0" % (k, v))


def words(path, ws):
    with open(path, "w") as f:
        for w in ws:
            if "\0" in str(w):
                die("NUL in %r" % w)
            f.write("%s\0" % w)


def services(compose, img_tix, img_nginx, out):
    c = yaml.safe_load(open(compose))
    secrets = c.get("secrets") or {}
    vols = c.get("volumes") or {}
    image_env = dict(x.split("=", 1) for x in
                     open(os.path.join(img_tix, ".image-env")).read()
                     .split("\0") if x)
    for name, s in sorted(c["services"].items()):
        if name == "postgres":
            continue    # the host's PostgreSQL (see image.sh)
        tix = s.get("image", "").startswith("tix") or "build" in s
        img = img_tix if tix else img_nginx
        env = dict(image_env) if tix else {"PATH": DOCKER_PATH}
        env.update({k: "" if v is None else str(v)
                    for k, v in (s.get("environment") or {}).items()})
        env["HOSTNAME"] = name
        mounts = []
        for v in s.get("volumes") or []:
            if isinstance(v, str):
                # docker-compose 1.x: SOURCE:TARGET[:MODE]
                f = v.split(":")
                v = {"source": f[0], "target": f[1],
                     "read_only": len(f) > 2 and "ro" in f[2].split(","),
                     "type": "bind" if f[0].startswith("/") else "volume"}
            target, ro = v["target"], bool(v.get("read_only"))
            if v["type"] == "volume":
                if v["source"] not in vols:
                    die("%s: volume %s is not declared" % (name, v["source"]))
                src = "@volume:" + v["source"]
            elif v["type"] == "bind":
                src = v["source"]
            else:
                die("%s: volume type %s" % (name, v["type"]))
            mounts.append(("ro" if ro else "rw", src, target))
        for t in s.get("tmpfs") or []:
            t = t if isinstance(t, str) else t["target"]
            mounts.append(("tmpfs", "-", t.split(":")[0]))
        for sec in s.get("secrets") or []:
            src = sec if isinstance(sec, str) else sec["source"]
            target = "/run/secrets/" + (src if isinstance(sec, str)
                                        else sec.get("target", src))
            if src not in secrets:
                die("%s: secret %s is not declared" % (name, src))
            # docker-compose binds a file secret as it is on the host (its
            # owner and mode): uid, gid and mode would be ignored, and the
            # test would pass over a file the service cannot read.
            if not isinstance(sec, str) and any(
                    k in sec for k in ("uid", "gid", "mode")):
                die("%s: secret %s: uid, gid and mode are ignored for a "
                    "file secret" % (name, src))
            mounts.append(("ro", secrets[src]["file"], target))
        cmd = s.get("command") or []
        if isinstance(cmd, str):
            cmd = shlex.split(cmd)
        if not cmd:
            if tix:
                die("%s: no command (the test runs each service's)" % name)
            cmd = NGINX_CMD
        if not tix:
            cmd = NGINX_ENTRYPOINT + cmd
        oneshot = s.get("restart") == "no"
        hc = (s.get("healthcheck") or {}).get("test") or []
        if isinstance(hc, str):
            hc = ["CMD-SHELL", hc]
        if oneshot and not hc:
            health = []     # its exit status is its health
        elif not hc or hc[0] not in ("CMD", "CMD-SHELL"):
            die("%s: no healthcheck" % name)
        else:
            health = hc[1:] if hc[0] == "CMD" else ["/bin/sh", "-c", hc[1]]
        nets = s.get("networks") or {}
        addr = ""
        for n in nets.values():
            if n and n.get("ipv4_address"):
                addr = n["ipv4_address"]
        with open(os.path.join(out, name + ".mounts"), "w") as f:
            for kind, src, target in mounts:
                f.write("%s\t%s\t%s\n" % (kind, src, target))
        words(os.path.join(out, name + ".cmd"), cmd)
        words(os.path.join(out, name + ".env"),
              ["%s=%s" % kv for kv in sorted(env.items())])
        words(os.path.join(out, name + ".health"), health)
        with open(os.path.join(out, name + ".meta"), "w") as f:
            f.write("image=%s\n" % ("tix" if tix else "nginx"))
            f.write("user=%s\n" % (s.get("user") or ""))
            f.write("read_only=%s\n" % ("1" if s.get("read_only") else ""))
            f.write("addr=%s\n" % addr)
            f.write("oneshot=%s\n" % ("1" if oneshot else ""))
        print(name)


if __name__ == "__main__":
    if sys.argv[1] == "image":
        image(*sys.argv[2:5])
    elif sys.argv[1] == "services":
        services(*sys.argv[2:6])
    else:
        die("usage")
