"""The Python losses equal the playground engine's on the batch it wrote (within 1e-5).

The fixture (tests/fixtures/engine_losses.json) is written by ``npm run parity-fixture`` from
the TypeScript engine; a Vitest test keeps it current. GKD's generalized JSD is also checked
against TRL's own ``GKDTrainer.generalized_jsd_loss``, which is what makes that mapping exact.
"""

import json
from pathlib import Path

import pytest
import torch

from alembic_trl import losses

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "engine_losses.json").read_text())
TOL = 1e-5
# Filled by the tests, printed at the end: the largest absolute difference per loss.
MAX_DIFF: dict[str, float] = {}


def t(x, dtype=torch.float64):
    return torch.tensor(x, dtype=dtype)


def batch(name):
    b = FIXTURE[name]
    return {
        "teacher_logits": t(b["teacher_logits"]),
        "student_logits": t(b["student_logits"]),
        "mask": t(b["mask"]),
        "targets": torch.tensor(b["targets"]),
    }


def check(label, got, want):
    diff = float((torch.as_tensor(got, dtype=torch.float64) - torch.as_tensor(want, dtype=torch.float64)).abs().max())
    MAX_DIFF[label] = max(MAX_DIFF.get(label, 0.0), diff)
    assert diff <= TOL, f"{label}: max abs difference {diff:.3g} > {TOL}"


def case_label(c):
    extra = "".join(f" {k}={c[k]}" for k in ("beta", "alpha", "temperature") if k in c and c[k] is not None)
    return f"{c['kind']}{extra}"


@pytest.mark.parametrize("case", FIXTURE["divergences"], ids=case_label)
def test_token_divergences(case):
    on = batch("on")
    kw = {k: case[k] for k in ("beta", "alpha", "temperature") if case.get(k) is not None}
    per = losses.token_divergence(case["kind"], on["teacher_logits"], on["student_logits"], **kw)
    check(f"divergence {case_label(case)} (per position)", per, case["per_position"])
    check(f"divergence {case_label(case)} (loss)", losses.masked_mean(per, on["mask"]), case["loss"])


@pytest.mark.parametrize("case", [c for c in FIXTURE["divergences"] if c["kind"] in ("jsd", "fkl", "rkl")], ids=case_label)
def test_trl_gkd_loss_is_the_engines(case):
    """TRL's GKD loss (masked mean of the generalized JSD) is the engine's, so GKD maps exactly."""
    from trl.experimental.gkd import GKDTrainer

    beta = {"fkl": 0.0, "rkl": 1.0}.get(case["kind"], case.get("beta"))
    on = batch("on")
    labels = torch.where(on["mask"] > 0, on["targets"], torch.full_like(on["targets"], -100))
    got = GKDTrainer.generalized_jsd_loss(
        on["student_logits"], on["teacher_logits"], labels=labels, beta=beta, temperature=case.get("temperature") or 1.0
    )
    check(f"TRL generalized_jsd_loss {case_label(case)}", got, case["loss"])


def test_nll():
    on = batch("on")
    check("nll (SFT, SeqKD)", losses.masked_mean(losses.token_nll(on["student_logits"], on["targets"]), on["mask"]), FIXTURE["nll"])


@pytest.mark.parametrize("case", FIXTURE["minillm"], ids=lambda c: f"alpha={c['mix_alpha']} gamma={c['gamma']} norm={c['length_norm']} clip={c['clip']}")
def test_minillm_terms(case):
    on = batch("on")
    got = losses.minillm_loss(
        on["student_logits"],
        on["teacher_logits"],
        on["targets"],
        on["mask"],
        mix_alpha=case["mix_alpha"],
        gamma=case["gamma"],
        length_norm=case["length_norm"],
        clip=case["clip"],
    )
    for key in ("loss", "pg_loss", "single_step_loss"):
        check(f"minillm {key}", got[key], case[key])


@pytest.mark.parametrize("case", FIXTURE["ammd"], ids=lambda c: f"beta={c['beta']} c={c['penalty']} pg={c['policy_gradient']}")
def test_ammd_losses(case):
    on, off = batch("on"), batch("off")
    f_on, f_off = t(FIXTURE["f_on"]), t(FIXTURE["f_off"])
    critic = losses.ammd_critic_loss(on, off, f_on, f_off, beta=case["beta"], penalty=case["penalty"])
    check("ammd critic loss", critic["loss"], case["critic_loss"])
    check("ammd L_on", critic["l_on"], case["l_on"])
    check("ammd L_off", critic["l_off"], case["l_off"])
    student = losses.ammd_student_loss(on, off, f_on, f_off, beta=case["beta"], policy_gradient=case["policy_gradient"])
    check("ammd student loss", student, case["student_loss"])


def test_ammd_exact_distances():
    on, off = batch("on"), batch("off")
    want = FIXTURE["ammd_exact"]
    check("ammd mmOnExact", losses.exact_distance(on["teacher_logits"], on["student_logits"], on["mask"], want["bound"]), want["mm_on_exact"])
    check("ammd mmOffExact", losses.exact_distance(off["teacher_logits"], off["student_logits"], off["mask"], want["bound"]), want["mm_off_exact"])


def test_oracle_critic_attains_the_exact_distance():
    """With f* = R sign(p - q) the game value L_on is the exact distance (independent of the engine)."""
    on = batch("on")
    f = losses.oracle_critic(on["teacher_logits"], on["student_logits"], 1.0)
    value = losses.ammd_critic_loss(on, on, f, f, beta=1.0, penalty=0.0)["l_on"]
    check("ammd oracle L_on", value, FIXTURE["ammd_exact"]["mm_on_exact"])


@pytest.mark.parametrize("case", FIXTURE["xkd"], ids=lambda c: c["base"])
def test_xkd_loss(case):
    off = batch("off")
    got = losses.xkd_loss(
        off["student_logits"],
        off["teacher_logits"],
        t(FIXTURE["mu"]),
        t(FIXTURE["log_sigma"]),
        off["targets"],
        off["mask"],
        lmbda=case["lambda"],
        gamma=case["gamma"],
        base=case["base"],
        divergence=case.get("divergence", "fkl"),
    )
    check("xkd loss", got["loss"], case["loss"])
    check("xkd reward loss", got["reward_loss"], case["reward_loss"])


def test_float32_matches_too():
    """The trainers run in float32: the same numbers within the tolerance."""
    on = batch("on")
    for case in FIXTURE["divergences"]:
        kw = {k: case[k] for k in ("beta", "alpha", "temperature") if case.get(k) is not None}
        per = losses.token_divergence(case["kind"], on["teacher_logits"].float(), on["student_logits"].float(), **kw)
        check(f"divergence {case_label(case)} float32", losses.masked_mean(per, on["mask"].float()), case["loss"])


def teardown_module(module):
    width = max(len(k) for k in MAX_DIFF) if MAX_DIFF else 0
    print("\nparity: max abs difference per loss")
    for key in sorted(MAX_DIFF):
        print(f"  {key:<{width}}  {MAX_DIFF[key]:.2e}")


def test_penalised_critic_is_the_penalised_games_optimum():
    """clip((p - q)/2c, -R, R) beats the fixture's critic on the critics' own loss, and while the
    clip is inactive its game value is sum ||p - q||^2 / 2c (worked out by hand)."""
    on = batch("on")
    c, R = 1.0, 1.0
    f = losses.penalised_critic(on["teacher_logits"], on["student_logits"], R, c)
    best = losses.ammd_critic_loss(on, on, f, f, beta=1.0, penalty=c)
    other = losses.ammd_critic_loss(on, on, t(FIXTURE["f_on"]), t(FIXTURE["f_on"]), beta=1.0, penalty=c)
    assert best["loss"] < other["loss"]
    p, q = on["teacher_logits"].softmax(-1), on["student_logits"].softmax(-1)
    assert float((p - q).abs().max()) <= 2 * c * R  # the clip is inactive here
    want = losses.sequence_mean(((p - q) ** 2).sum(-1) / (2 * c), on["mask"])
    assert abs(float(best["l_on"] - want)) < 1e-12
    assert torch.equal(losses.penalised_critic(on["teacher_logits"], on["student_logits"], R, 0.0), losses.oracle_critic(on["teacher_logits"], on["student_logits"], R))
