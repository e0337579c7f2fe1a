#!/usr/bin/env python3
"""Plants freshly generated, format-valid fake keys into a corpus and prints their paths.

Keys are random at every run (never committed). Each goes into its own new file, in a file kind
that occurs in real projects, so every tool gets the same chance to find it.
Usage: plant.py CORPUS_DIR  -> writes CORPUS_DIR/planted.json ([{"path", "kind"}])
"""
import json, os, random, string, sys, zlib

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "_-"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
rnd = random.SystemRandom()


def r(alpha, n):
    return "".join(rnd.choice(alpha) for _ in range(n))


def b62(n, width):
    out = ""
    while n:
        out = B62[n % 62] + out
        n //= 62
    return out.rjust(width, "0")


def github():
    body = r(ALNUM, 30)
    return "ghp_" + body + b62(zlib.crc32(body.encode()), 6)


KEYS = {
    "openai-project": lambda: "sk-proj-" + r(URLSAFE, 74) + "T3Blb" + "kFJ" + r(URLSAFE, 74),
    "openai-legacy": lambda: "sk-" + r(ALNUM, 20) + "T3Blb" + "kFJ" + r(ALNUM, 20),
    "anthropic": lambda: "sk-ant-" + "api03-" + r(URLSAFE, 93) + "AA",
    "github": github,
    "aws-access-key-id": lambda: "AKIA" + r(string.ascii_uppercase + "234567", 16),
    "stripe": lambda: "sk_" + "live_" + r(ALNUM, 99),
    "groq": lambda: "gsk_" + r(ALNUM, 52),
}

TEMPLATES = [
    ("config/.env", "OPENAI_API_KEY={key}\n"),
    ("src/settings.py", "import os\n\nAPI_KEY = \"{key}\"\n"),
    ("web/app.js", "const client = new Client({{ apiKey: '{key}' }});\n"),
    ("deploy/values.yaml", "service:\n  token: {key}\n"),
]


def main():
    root = sys.argv[1]
    planted = []
    for i, (kind, make) in enumerate(sorted(KEYS.items())):
        rel, text = TEMPLATES[i % len(TEMPLATES)]
        d, name = os.path.split(rel)
        rel = os.path.join("planted-%d" % i, d, name)
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text.format(key=make()))
        planted.append({"path": rel, "kind": kind})
    with open(os.path.join(root, "..", "planted.json"), "w") as f:
        json.dump(planted, f, indent=1)
    print(len(planted), "keys planted")


main()
