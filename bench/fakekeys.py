"""Format-valid fake keys for the benchmarks, assembled at run time: no script holds a
key-shaped string, and nothing generated is committed. Import it with PYTHONPATH=bench."""
import zlib

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def body(rnd, k):
    """k random alphanumerics."""
    return "".join(rnd.choice(ALNUM) for _ in range(k))


def base62(x, width=6):
    s = ""
    while x:
        x, r = divmod(x, 62)
        s = BASE62[r] + s
    return s.rjust(width, "0")


def github(rnd):
    """A classic GitHub token: ghp_ + 30 random + base62(crc32 of the 30), GitHub's checksum."""
    r = body(rnd, 30)
    return "gh" + "p_" + r + base62(zlib.crc32(r.encode()))


def openai(rnd):
    """An OpenAI project key: 74 random, the T3BlbkFJ marker, 74 random."""
    return "sk-" + "proj-" + body(rnd, 74) + "T3Blbk" + "FJ" + body(rnd, 74)
