"""The publicly verifiable random draw (随机抽取), pure functions only (no database).

Protocol (what the award notice publishes, so anyone can recompute it):

1. When sign-up closes the platform picks a secret ``seed`` (a hex string) and publishes its
   commitment ``sha256(seed)`` (hex of the UTF-8 bytes). Nobody, the platform included, can
   change the seed afterwards without the commitment showing it.
2. At the draw the seed is revealed. The candidates are the eligible sign-ups, identified by
   their unified social credit codes (USCC), sorted as strings (ascending).
3. ``digest = sha256(seed + "|" + "|".join(sorted_usccs))`` (hex of the UTF-8 bytes) and the
   winner is ``sorted_usccs[int(digest, 16) % len(sorted_usccs)]``.
4. The runner-up (offered the award if the winner refuses to sign) is drawn by the same formula
   among the remaining candidates, and so on: the published ``ranking`` is the full order.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

FORMULA = 'winner = sorted_usccs[int(sha256(seed + "|" + "|".join(sorted_usccs)), 16) % n]'


def commitment_of(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


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
    """A Python command anyone can paste into a shell to recompute the winner."""
    ordered = sorted(usccs)
    return ("python3 -c \"import hashlib;c=sorted(%r);s=%r;"
            "print(c[int(hashlib.sha256((s+'|'+'|'.join(c)).encode()).hexdigest(),16)%%len(c)])\""
            % (ordered, seed))


@dataclass
class DrawCheck:
    ok: bool
    commitment_ok: bool
    winner_ok: bool
    expected_uscc: str
    published_uscc: str
    message: str


def verify_computation(computation: dict) -> DrawCheck:
    """Recompute a published draw computation: the seed must match the commitment and the
    formula must give the published winner."""
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
                     message)
