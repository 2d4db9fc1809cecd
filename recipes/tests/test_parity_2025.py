"""The 2025 methods' Python losses equal the playground engine's on the fixture's batches (within
1e-5, float64 and float32), values and, where a stop-gradient or a surrogate is the point, the
gradient with respect to the student's logits: on-policy distillation (dense and sampled, and TRL's
DistillationTrainer loss for the dense form), TAID's divergence and its schedule, DistiLLM-2, SKD's
acceptance rule, ABKD. The limits the papers
state are checked against numbers worked out independently of the engine (the fixture's forward
and reverse KL, an argmax by hand).
"""

import math

import pytest
import torch

from alembic_trl import losses
from test_parity import FIXTURE, batch, t

TOL = 1e-5
MAX_DIFF: dict[str, float] = {}


def check(label, got, want, tol=TOL):
    diff = float((torch.as_tensor(got, dtype=torch.float64) - torch.as_tensor(want, dtype=torch.float64)).abs().max())
    MAX_DIFF[label] = max(MAX_DIFF.get(label, 0.0), diff)
    assert diff <= tol, f"{label}: max abs difference {diff:.3g} > {tol}"


def value_and_grad(logits, fn):
    z = logits.clone().requires_grad_(True)
    value = fn(z)
    (grad,) = torch.autograd.grad(value, z)
    return value.detach(), grad


def divergence_case(kind):
    return next(c for c in FIXTURE["divergences"] if c["kind"] == kind and c.get("temperature") is None)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", FIXTURE["opd"], ids=lambda c: c["variant"] + (f" gamma={c['gamma']}" if "gamma" in c else ""))
def test_on_policy_distillation(case, dtype):
    on = {k: v.to(dtype) if v.is_floating_point() else v for k, v in batch("on").items()}
    if case["variant"] == "dense":
        fn = lambda z: losses.masked_mean(losses.token_divergence("rkl", on["teacher_logits"], z), on["mask"])  # noqa: E731
    else:
        fn = lambda z: losses.opd_sampled_loss(z, on["teacher_logits"], on["targets"], on["mask"], gamma=case["gamma"])  # noqa: E731
    value, grad = value_and_grad(on["student_logits"], fn)
    label = f"opd {case['variant']} {case.get('gamma', '')}".strip()
    check(f"{label} loss", value, case["loss"])
    check(f"{label} gradient", grad, case["grad"])


@pytest.mark.parametrize("case", [c for c in FIXTURE["divergences"] if c["kind"] == "jsd" and c.get("temperature") is None], ids=lambda c: f"beta={c['beta']}")
def test_trl_distillation_trainer_loss_is_the_engines(case):
    """TRL 1.16's DistillationTrainer loss (its chunked generalized JSD, fed the logits through an
    identity lm_head) is the engine's JSD at every beta, and at beta = 1 its gradient is the engine's
    dense on-policy distillation gradient: what makes those recipes exact."""
    from trl.trainer.distillation_trainer import _chunked_divergence_loss

    on = batch("on")
    eye = torch.eye(FIXTURE["V"])
    student = on["student_logits"].float().clone().requires_grad_(True)
    loss, _, _ = _chunked_divergence_loss(student, on["teacher_logits"].float(), eye, eye, on["mask"], case["beta"])
    check(f"TRL DistillationTrainer loss beta={case['beta']}", loss.detach(), case["loss"])
    if case["beta"] == 1:
        (grad,) = torch.autograd.grad(loss, student)
        check("TRL DistillationTrainer gradient beta=1 (dense OPD)", grad, next(c for c in FIXTURE["opd"] if c["variant"] == "dense")["grad"])


def test_opd_sampled_value_is_the_sampled_reverse_kl():
    """Independently of the engine: the value is mean_t (log q(y_t) - log p(y_t)) over valid positions."""
    on = batch("on")
    lq = on["student_logits"].log_softmax(-1).gather(-1, on["targets"].unsqueeze(-1)).squeeze(-1)
    lp = on["teacher_logits"].log_softmax(-1).gather(-1, on["targets"].unsqueeze(-1)).squeeze(-1)
    want = float(((lq - lp) * on["mask"]).sum() / on["mask"].sum())
    got = float(losses.opd_sampled_loss(on["student_logits"], on["teacher_logits"], on["targets"], on["mask"], gamma=0.7))
    assert abs(got - want) < 1e-12


@pytest.mark.parametrize("case", FIXTURE["taid"], ids=lambda c: f"t={c['t']}")
def test_taid_divergence(case):
    off = batch("off")
    check(f"taid t={case['t']} per position", losses.taid_divergence(off["teacher_logits"], off["student_logits"], case["t"]), case["per_position"])
    for dtype in (torch.float64, torch.float32):
        z = off["student_logits"].to(dtype)
        value, grad = value_and_grad(z, lambda z: losses.masked_mean(losses.taid_divergence(off["teacher_logits"].to(dtype), z, case["t"]), off["mask"].to(dtype)))
        check(f"taid t={case['t']} loss", value, case["loss"])
        check(f"taid t={case['t']} gradient", grad, case["grad"])


def test_taid_at_one_is_forward_kl_and_at_zero_nothing():
    off = batch("off")
    fkl = losses.token_divergence("fkl", off["teacher_logits"], off["student_logits"])
    assert torch.allclose(losses.taid_divergence(off["teacher_logits"], off["student_logits"], 1.0), fkl, atol=1e-12)
    assert float(losses.taid_divergence(off["teacher_logits"], off["student_logits"], 0.0).abs().max()) < 1e-12


@pytest.mark.parametrize("case", FIXTURE["taid_schedule"], ids=lambda c: f"t0={c['t_start']} alpha={c['alpha']} adaptive={c['adaptive']}")
def test_taid_schedule(case):
    schedule = losses.TaidSchedule(case["t_start"])
    opts = {k: case[k] for k in ("t_start", "t_end", "alpha", "beta", "adaptive")}
    for step, (loss, t_want, m_want) in enumerate(zip(case["losses"], case["t"], case["momentum"])):
        schedule.update(float(loss), step, case["total_steps"], **opts)
        check("taid schedule t", schedule.t, t_want, 1e-12)
        check("taid schedule momentum", schedule.momentum, m_want, 1e-12)


def test_taid_schedule_by_hand():
    """Two updates worked out by hand: the first only records, the second moves t by alpha sigmoid(m) (1 - t)."""
    s = losses.TaidSchedule(0.4)
    s.update(2.0, 0, 100, t_start=0.4, t_end=1.0, alpha=0.5, beta=0.5, adaptive=True)
    assert (s.t, s.momentum) == (0.4, 0.0)
    s.update(1.0, 1, 100, t_start=0.4, t_end=1.0, alpha=0.5, beta=0.5, adaptive=True)
    m = 0.5 * 0.5  # (1 - beta) * (2 - 1) / 2
    assert s.momentum == pytest.approx(m, abs=1e-12)
    assert s.t == pytest.approx(0.4 + 0.5 / (1 + math.exp(-m)) * 0.6, abs=1e-12)


@pytest.mark.parametrize("case", FIXTURE["distillm2"], ids=lambda c: f"a1={c['alpha1']} a2={c['alpha2']} beta={c['beta']}")
def test_distillm2(case):
    on, off = batch("on"), batch("off")
    for dtype in (torch.float64, torch.float32):
        zt = off["student_logits"].to(dtype).clone().requires_grad_(True)
        zs = on["student_logits"].to(dtype).clone().requires_grad_(True)
        got = losses.distillm2_loss(
            {"teacher_logits": off["teacher_logits"].to(dtype), "student_logits": zt, "mask": off["mask"].to(dtype)},
            {"teacher_logits": on["teacher_logits"].to(dtype), "student_logits": zs, "mask": on["mask"].to(dtype)},
            alpha1=case["alpha1"],
            alpha2=case["alpha2"],
            beta=case["beta"],
        )
        gt, gs = torch.autograd.grad(got["loss"], (zt, zs))
        for key in ("loss", "skl", "srkl"):
            check(f"distillm2 {key}", got[key].detach(), case[key])
        check("distillm2 gradient (teacher responses)", gt, case["grad_teacher_responses"])
        check("distillm2 gradient (student responses)", gs, case["grad_student_responses"])


def test_stopped_skew_reverse_kl_has_srkls_value_and_another_gradient():
    on = batch("on")
    want = FIXTURE["stopped_srkl"]
    stopped = losses.stopped_skew_reverse_kl(on["teacher_logits"], on["student_logits"], want["alpha"])
    check("stopped srkl per position", stopped, want["per_position"])
    flowing = losses.token_divergence("srkl", on["teacher_logits"], on["student_logits"], alpha=want["alpha"])
    assert torch.allclose(stopped, flowing, atol=1e-12)
    _, g_stopped = value_and_grad(on["student_logits"], lambda z: losses.stopped_skew_reverse_kl(on["teacher_logits"], z, 0.1).sum())
    _, g_flowing = value_and_grad(on["student_logits"], lambda z: losses.token_divergence("srkl", on["teacher_logits"], z, alpha=0.1).sum())
    assert float((g_stopped - g_flowing).abs().max()) > 1e-3


@pytest.mark.parametrize("case", FIXTURE["skd"]["cases"], ids=lambda c: f"{c['logits']} K={c['top_k']}")
def test_skd_acceptance_rule(case):
    on = batch("on")
    logits = on["teacher_logits"] if case["logits"] == "raw" else t(FIXTURE["skd"]["tied_teacher_logits"])
    got = losses.in_teacher_top_k(logits.reshape(-1, logits.shape[-1]), on["targets"].reshape(-1), case["top_k"])
    assert got.long().tolist() == case["accepted"]


def test_skd_top_1_is_the_argmax_and_top_v_accepts_all():
    """By hand: K = 1 accepts exactly the tokens whose teacher logit is the row's largest (ties
    included); K = V (and 0, the recipe's 'every proposal') accepts everything."""
    logits = t(FIXTURE["skd"]["tied_teacher_logits"]).reshape(-1, FIXTURE["V"])
    tokens = batch("on")["targets"].reshape(-1)
    want = [float(logits[i, tok]) == float(logits[i].max()) for i, tok in enumerate(tokens.tolist())]
    assert losses.in_teacher_top_k(logits, tokens, 1).tolist() == want
    assert any(want) and not all(want)
    for k in (0, FIXTURE["V"]):
        assert bool(losses.in_teacher_top_k(logits, tokens, k).all())


@pytest.mark.parametrize("case", FIXTURE["abkd"], ids=lambda c: f"alpha={c['alpha']} beta={c['beta']}")
def test_abkd(case):
    off = batch("off")
    a, b = case["alpha"], case["beta"]
    # float32 in the engine: within 1e-5 relative to the size of the values (up to ~200 at (0.5, -0.5)).
    scale = max(1.0, float(torch.tensor(case["per_position"]).abs().max()))
    check(f"abkd ({a}, {b}) per position", losses.ab_divergence(off["teacher_logits"], off["student_logits"], a, b), case["per_position"], 1e-5 * scale)
    for dtype in (torch.float64, torch.float32):
        value, grad = value_and_grad(
            off["student_logits"].to(dtype), lambda z: losses.masked_mean(losses.ab_divergence(off["teacher_logits"].to(dtype), z, a, b), off["mask"].to(dtype))
        )
        check(f"abkd ({a}, {b}) loss", value, case["loss"], 1e-5 * max(1.0, abs(case["loss"])))
        check(f"abkd ({a}, {b}) gradient", grad, case["grad"], 1e-5 * max(1.0, abs(case["loss"])))


def test_abkd_limits_are_forward_and_reverse_kl():
    """(1, 0) and (0, 1) against the forward and reverse KL the fixture holds for the `on` batch."""
    on = batch("on")
    for (a, b), kind in (((1.0, 0.0), "fkl"), ((0.0, 1.0), "rkl")):
        got = losses.ab_divergence(on["teacher_logits"], on["student_logits"], a, b)
        check(f"abkd ({a}, {b}) = {kind}", got, divergence_case(kind)["per_position"])


def teardown_module(module):
    width = max(len(k) for k in MAX_DIFF) if MAX_DIFF else 0
    print("\nparity (2025 methods): max abs difference per loss")
    for key in sorted(MAX_DIFF):
        print(f"  {key:<{width}}  {MAX_DIFF[key]:.2e}")
