"""The publicly verifiable random draw (随机抽取), pure functions only (no database).

Commit–reveal protocol (scheme ``commit-reveal``; docs/design.md §3, the selection methods), so
that no single party — neither the platform nor any agency — controls the outcome:

1. **The platform commits at publication**, before anyone can sign up. Its secret is
   ``platform_secret = HMAC-SHA256(DRAW_SECRET_KEY, "draw|<project id>|<salt>")`` (hex), where
   ``salt`` is 32 random bytes (hex) stored with the commitment and ``DRAW_SECRET_KEY`` a server
   key from the settings. The posting publishes ``platform_commitment = sha256(platform_secret)``.
   The secret itself is never stored before the draw: the database (a backup, a copy) holds only
   the salt and the commitment, and the key holds nothing about any one project. Derived rather
   than stored encrypted: nothing to decrypt, no extra library, and the secret cannot drift from
   its commitment (``draw_run`` refuses if the key was changed since).
2. **Agencies commit at sign-up** (optional): each may send ``sha256(contribution)``, where
   ``contribution`` is 64 lowercase hex characters (32 random bytes) it keeps to itself; the
   page makes one with ``crypto.getRandomValues`` (``static/js/draw.js``).
3. **Agencies reveal after sign-up closes**, within ``MARKETPLACE["DRAW_REVEAL_MINUTES"]``; a
   reveal must hash to its commitment. A missing reveal contributes nothing.
4. **The platform reveals its secret at the draw** (the window is over, or every committed
   agency has revealed, and the selection time has come). The draw seed is::

       seed = sha256(platform_secret + "|" + "|".join(sorted(revealed_contributions)))

   (hex of the UTF-8 bytes; with no reveal, ``sha256(platform_secret + "|")``). The candidates
   are the eligible sign-ups' unified social credit codes (USCC), sorted as strings, and::

       digest = sha256(seed + "|" + "|".join(sorted_usccs)); winner = sorted_usccs[int(digest, 16) % n]

   The runner-up is drawn by the same formula among the remaining candidates, and so on: the
   published ``ranking`` is the full order.

Agencies cannot compute outcomes when they reveal (they do not know the platform secret); the
platform cannot change its secret after the commitment and does not know a contribution before
it is revealed. What remains: the platform knows its own secret, so if it also controls an
agency that committed, it can choose, once the other reveals are in, between that agency
revealing or not (one bit of choice per such agency); an honest agency's reveal removes the
platform's ability to know the outcome before the reveals.

The older scheme (``legacy``: a seed chosen by the server when sign-up closed, committed then
and revealed at the draw) stays verifiable with ``verify_computation`` for awards made under it.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field

SCHEME = "commit-reveal"
LEGACY_SCHEME = "legacy"
FORMULA = 'winner = sorted_usccs[int(sha256(seed + "|" + "|".join(sorted_usccs)), 16) % n]'
SEED_FORMULA = 'seed = sha256(platform_secret + "|" + "|".join(sorted(revealed_contributions)))'

_HEX64 = re.compile(r"[0-9a-f]{64}")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def commitment_of(seed: str) -> str:
    """``sha256(seed)`` — the commitment to a platform secret, a legacy seed or a contribution."""
    return sha256_hex(seed)


def is_hex64(text: str) -> bool:
    """Exactly 64 lowercase hexadecimal characters (a sha256 digest or a contribution)."""
    return bool(_HEX64.fullmatch(text or ""))


def platform_secret(key: str, project_id: int, salt: str) -> str:
    """The platform's secret for one project: ``HMAC-SHA256(key, "draw|<id>|<salt>")`` (hex)."""
    return hmac.new(key.encode("utf-8"), f"draw|{project_id}|{salt}".encode(),
                    hashlib.sha256).hexdigest()


def combined_seed(secret: str, reveals) -> str:
    """The draw seed from the platform secret and the revealed contributions (any order)."""
    return sha256_hex(secret + "|" + "|".join(sorted(reveals)))


def draw_digest(seed: str, usccs) -> str:
    ordered = sorted(usccs)
    return hashlib.sha256((seed + "|" + "|".join(ordered)).encode("utf-8")).hexdigest()


def draw_index(seed: str, usccs) -> int:
    """Index of the winner in ``sorted(usccs)``."""
    ordered = sorted(usccs)
    if not ordered:
        raise ValueError("no candidates")
    return int(draw_digest(seed, ordered), 16) % len(ordered)


def draw_ranking(seed: str, usccs) -> list[dict]:
    """The full draw order: each round draws among the candidates not drawn yet."""
    remaining = sorted(usccs)
    rounds = []
    while remaining:
        digest = draw_digest(seed, remaining)
        index = int(digest, 16) % len(remaining)
        rounds.append({"round": len(rounds) + 1, "candidates": list(remaining),
                       "digest": digest, "n": len(remaining), "index": index,
                       "uscc": remaining[index]})
        remaining = remaining[:index] + remaining[index + 1:]
    return rounds


def one_liner(seed: str, usccs) -> str:
    """Legacy scheme: a Python command anyone can paste into a shell to recompute the winner."""
    ordered = sorted(usccs)
    return ("python3 -c \"import hashlib;c=sorted(%r);s=%r;"
            "print(c[int(hashlib.sha256((s+'|'+'|'.join(c)).encode()).hexdigest(),16)%%len(c)])\""
            % (ordered, seed))


def one_liner_commit_reveal(*, commitment: str, secret: str, contributions, usccs) -> str:
    """A Python command that checks the platform's secret against its commitment and every
    reveal against its agency's commitment, then prints the seed and the winner.
    ``contributions`` are ``(commitment, reveal or None)`` pairs."""
    pairs = sorted((c, r) for c, r in contributions)
    return ("python3 -c \"import hashlib;h=lambda t:hashlib.sha256(t.encode()).hexdigest();"
            "P=%r;p=%r;k=%r;c=sorted(%r);assert h(p)==P,'secret';"
            "assert all(h(r)==x for x,r in k if r),'reveal';"
            "s=h(p+'|'+'|'.join(sorted(r for x,r in k if r)));"
            "print(s,c[int(h(s+'|'+'|'.join(c)),16)%%len(c)])\""
            % (commitment, secret, pairs, sorted(usccs)))


@dataclass
class DrawCheck:
    ok: bool
    commitment_ok: bool
    winner_ok: bool
    expected_uscc: str
    published_uscc: str
    message: str
    problems: list[str] = field(default_factory=list)
    expected_seed: str = ""
    expected_ranking: list[str] = field(default_factory=list)


def verify_computation(computation: dict) -> DrawCheck:
    """Recompute a published draw computation from its own values (either scheme)."""
    if computation.get("scheme") == SCHEME:
        return verify_commit_reveal(computation)
    seed = str(computation.get("seed", ""))
    usccs = [c["uscc"] for c in computation.get("candidates", [])]
    published = str(computation.get("winner_uscc", ""))
    commitment_ok = commitment_of(seed) == computation.get("commitment")
    expected = sorted(usccs)[draw_index(seed, usccs)] if usccs else ""
    winner_ok = bool(expected) and expected == published
    if not commitment_ok:
        message = "MISMATCH: sha256(seed) does not equal the published commitment"
    elif not winner_ok:
        message = f"MISMATCH: the formula gives {expected}, the notice names {published}"
    else:
        message = f"OK: winner {expected} recomputed from the published seed and candidates"
    return DrawCheck(commitment_ok and winner_ok, commitment_ok, winner_ok, expected, published,
                     message, [] if commitment_ok and winner_ok else [message])


def verify_commit_reveal(computation: dict) -> DrawCheck:
    """Check a ``commit-reveal`` computation: the secret against the platform's commitment,
    every reveal against its commitment, the seed, every round of the ranking and the winner.
    Timestamps (was the commitment published before the first sign-up?) need the audit trail:
    ``manage.py draw_verify`` checks those too."""
    problems = []
    secret = str(computation.get("platform_secret", ""))
    commitment_ok = commitment_of(secret) == computation.get("platform_commitment")
    if not commitment_ok:
        problems.append("sha256(platform_secret) does not equal the platform commitment")
    reveals = []
    for entry in computation.get("contributions", []):
        reveal = entry.get("reveal")
        if not is_hex64(str(entry.get("commitment", ""))):
            problems.append(f"{entry.get('uscc')}: the commitment is not 64 hex characters")
        if reveal:
            if commitment_of(str(reveal)) != entry.get("commitment"):
                problems.append(f"{entry.get('uscc')}: the reveal does not hash to its commitment")
            reveals.append(str(reveal))
    seed = combined_seed(secret, reveals)
    if seed != computation.get("seed"):
        problems.append("the seed does not follow from the secret and the revealed contributions")
    usccs = [c["uscc"] for c in computation.get("candidates", [])]
    rounds = draw_ranking(seed, usccs) if usccs else []
    expected_ranking = [r["uscc"] for r in rounds]
    published_ranking = [r.get("uscc") for r in computation.get("ranking", [])]
    expected = expected_ranking[0] if expected_ranking else ""
    published = str(computation.get("winner_uscc", ""))
    winner_ok = bool(expected) and expected == published
    if not winner_ok:
        problems.append(f"the formula gives {expected or 'no winner'}, the notice names "
                        f"{published}")
    if published_ranking != expected_ranking:
        problems.append("the published ranking differs from the recomputed one")
    ok = not problems
    message = (f"OK: seed {seed} and ranking {', '.join(expected_ranking)} recomputed from the "
               "published secret and reveals" if ok else "MISMATCH: " + "; ".join(problems))
    return DrawCheck(ok, commitment_ok, winner_ok, expected, published, message, problems,
                     seed, expected_ranking)
