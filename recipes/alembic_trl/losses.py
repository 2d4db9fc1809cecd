"""The objectives of the Alembic playground as PyTorch functions over logits.

Every function mirrors the playground's engine (docs/methods.md gives the maths); a parity test
checks them against numbers the engine wrote. Shapes: logits ``[B, T, V]``, masks and targets
``[B, T]``, where position ``t`` predicts ``targets[:, t]`` and ``mask`` is 1 at continuation
positions. A *training loss* is the mean over the valid positions of the batch; a *sequence
quantity* is the sum over a sequence's valid positions, averaged over sequences.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

DIVERGENCES = ("fkl", "rkl", "tvd", "jsd", "skl", "srkl")


def _kl(log_a: torch.Tensor, log_b: torch.Tensor) -> torch.Tensor:
    """KL(a || b) over the last axis from log-probabilities."""
    return (log_a.exp() * (log_a - log_b)).sum(-1)


def _log_mixture(log_p: torch.Tensor, w: float, log_q: torch.Tensor) -> torch.Tensor:
    """log(w p + (1 - w) q) in log space, exactly log q at w = 0 and log p at w = 1."""
    if w <= 0:
        return log_q
    if w >= 1:
        return log_p
    return torch.logaddexp(log_p + math.log(w), log_q + math.log(1 - w))


def token_divergence(
    kind: str,
    teacher_logits: torch.Tensor,
    student_logits: torch.Tensor,
    *,
    beta: float = 0.5,
    alpha: float = 0.1,
    temperature: float = 1.0,
) -> torch.Tensor:
    """Per-position divergence between p = softmax(teacher / tau) and q = softmax(student / tau).

    fkl KL(p||q); rkl KL(q||p); tvd (1/2) sum |p - q|; jsd the generalized JSD of GKD
    (Agarwal et al., ICLR 2024, Eq. 1), beta KL(p||m) + (1 - beta) KL(q||m) with
    m = beta p + (1 - beta) q, exactly fkl at beta = 0 and rkl at beta = 1; skl KL(p || alpha p +
    (1 - alpha) q) and srkl KL(q || (1 - alpha) p + alpha q), DistiLLM's skew divergences
    (Ko et al., ICML 2024), with the gradient flowing through q inside the mixture too.
    """
    if kind not in DIVERGENCES:
        raise ValueError(f"unknown divergence {kind!r}; known: {', '.join(DIVERGENCES)}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    log_p = F.log_softmax(teacher_logits / temperature, dim=-1)
    log_q = F.log_softmax(student_logits / temperature, dim=-1)
    if kind == "fkl":
        value = _kl(log_p, log_q)
    elif kind == "rkl":
        value = _kl(log_q, log_p)
    elif kind == "tvd":
        value = 0.5 * (log_p.exp() - log_q.exp()).abs().sum(-1)
    elif kind == "jsd":
        if not 0 <= beta <= 1:
            raise ValueError(f"beta must be in [0, 1], got {beta}")
        if beta == 0:
            value = _kl(log_p, log_q)
        elif beta == 1:
            value = _kl(log_q, log_p)
        else:
            log_m = _log_mixture(log_p, beta, log_q)
            value = beta * _kl(log_p, log_m) + (1 - beta) * _kl(log_q, log_m)
    elif kind == "skl":
        value = _kl(log_p, _log_mixture(log_p, alpha, log_q))
    else:  # srkl
        value = _kl(log_q, _log_mixture(log_p, 1 - alpha, log_q))
    # Rounding can leave -1e-9 where p = q; clamp keeps the gradient wherever the value is >= 0.
    return value.clamp_min(0)


def masked_mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over the valid positions of the whole batch (the training-loss convention)."""
    mask = mask.to(values.dtype)
    return (values * mask).sum() / mask.sum().clamp_min(1)


def sequence_mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Sum over each sequence's valid positions, averaged over sequences."""
    return (values * mask.to(values.dtype)).sum(-1).mean()


def token_nll(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """-log softmax(logits)[target] per position."""
    return -F.log_softmax(logits, dim=-1).gather(-1, targets.long().unsqueeze(-1)).squeeze(-1)


def moment_gap(teacher_logits, student_logits, critic, temperature: float = 1.0) -> torch.Tensor:
    """AMMD's moment gap g_f(s) = sum_a (p(a|s) - q(a|s)) f(s, a) per position."""
    p = F.softmax(teacher_logits / temperature, dim=-1)
    q = F.softmax(student_logits / temperature, dim=-1)
    return ((p - q) * critic).sum(-1)


# ---------------------------------------------------------------------------------------------
# MiniLLM (Gu et al., ICLR 2024, arXiv 2306.08543, Eq. 5-7)

WHITEN_EPS = 1e-8


def discounted_returns(rewards, mask, gamma: float, length_norm: bool) -> torch.Tensor:
    """R_{t+1} = sum_{t' > t, valid} gamma^(t'-t-1) r_{t'}, divided by the count of those t' when
    length_norm (0 where there are none)."""
    mask = mask.to(rewards.dtype)
    T = rewards.shape[1]
    idx = torch.arange(T, device=rewards.device)
    later = idx.unsqueeze(1) > idx.unsqueeze(0)  # [t', t]: t' after t
    power = (idx.unsqueeze(1) - idx.unsqueeze(0) - 1).clamp_min(0).to(rewards.dtype)
    discount = torch.where(later, torch.as_tensor(gamma, dtype=rewards.dtype) ** power, torch.zeros_like(power))
    returns = (rewards * mask) @ discount
    if not length_norm:
        return returns
    count = mask @ later.to(rewards.dtype)
    return returns / count.clamp_min(1)


def _whiten(x, mask):
    mask = mask.to(x.dtype)
    n = mask.sum().clamp_min(1)
    mean = (x * mask).sum() / n
    centred = x - mean
    variance = (centred.square() * mask).sum() / n
    return centred * torch.rsqrt(variance + WHITEN_EPS)


def minillm_loss(
    student_logits,
    teacher_logits,
    targets,
    mask,
    *,
    mix_alpha: float = 0.2,
    gamma: float = 0.95,
    length_norm: bool = True,
    clip: float | None = None,
    temperature: float = 1.0,
) -> dict[str, torch.Tensor]:
    """-mean_t w_t A_t log q(y_t|s_t) + mean_t KL(q||p)(s_t) over the valid positions.

    w_t = q(y_t) / (alpha p(y_t) + (1 - alpha) q(y_t)) and the whitened return A_t carry no
    gradient; the reward is r_t = log p(y_t) - log q(y_t). With ``clip`` > 0, tokens where PPO's
    clipped surrogate is flat (A > 0 and w > 1 + clip, or A < 0 and w < 1 - clip) are dropped.
    """
    maskf = mask.to(student_logits.dtype)
    teacher_logits = teacher_logits.detach()
    log_q = F.log_softmax(student_logits / temperature, dim=-1)
    log_p = F.log_softmax(teacher_logits / temperature, dim=-1)
    idx = targets.long().unsqueeze(-1)
    logq_y = log_q.gather(-1, idx).squeeze(-1)
    logp_y = log_p.gather(-1, idx).squeeze(-1)
    logq_const = logq_y.detach()
    weight = (logq_const - _log_mixture(logp_y, mix_alpha, logq_const)).exp()
    rewards = (logp_y - logq_const) * maskf
    advantage = _whiten(discounted_returns(rewards, maskf, gamma, length_norm), maskf)
    if clip is not None and clip > 0:
        flat = ((advantage > 0) & (weight > 1 + clip)) | ((advantage < 0) & (weight < 1 - clip))
        weight = weight * (~flat).to(weight.dtype)
    n = maskf.sum().clamp_min(1)
    pg_loss = -(weight * advantage * logq_y * maskf).sum() / n
    single = token_divergence("rkl", teacher_logits, student_logits, temperature=temperature)
    single_step_loss = (single * maskf).sum() / n
    return {"loss": pg_loss + single_step_loss, "pg_loss": pg_loss, "single_step_loss": single_step_loss}


# ---------------------------------------------------------------------------------------------
# AMMD (Jia, NeurIPS 2024, arXiv 2406.02959), with the playground's penalised critic


def ammd_critic_loss(on: dict, off: dict, f_on, f_off, *, beta: float, penalty: float, temperature: float = 1.0):
    """The critics' loss, minimised by their optimiser:
    -(beta L_on + (1 - beta) L_off) + c (beta P_on + (1 - beta) P_off), P = E[sum_t sum_a f^2].

    ``on`` / ``off`` hold ``teacher_logits``, ``student_logits`` and ``mask`` of student- and
    teacher-sampled continuations; the logits are constants here. Returns the loss and the game
    values L_on, L_off (sequence quantities).
    """

    def term(batch, f):
        gap = moment_gap(batch["teacher_logits"].detach(), batch["student_logits"].detach(), f, temperature)
        return sequence_mean(gap, batch["mask"]), sequence_mean(f.square().sum(-1), batch["mask"])

    value_on, size_on = term(on, f_on)
    value_off, size_off = term(off, f_off)
    game = beta * value_on + (1 - beta) * value_off
    reg = penalty * (beta * size_on + (1 - beta) * size_off)
    return {"loss": reg - game, "l_on": value_on, "l_off": value_off}


def future_gap_advantage(gap, mask):
    """A_t = F_t - mean_b F_t with F_t = sum_{t' > t, valid} g(s_t'), the mean over the sequences
    valid at t; 0 at invalid positions."""
    maskf = mask.to(gap.dtype)
    T = gap.shape[1]
    idx = torch.arange(T, device=gap.device)
    later = (idx.unsqueeze(1) > idx.unsqueeze(0)).to(gap.dtype)
    future = (gap * maskf) @ later
    count = maskf.sum(0, keepdim=True)
    baseline = (future * maskf).sum(0, keepdim=True) / count.clamp_min(1)
    return (future - baseline) * maskf


def ammd_student_loss(on: dict, off: dict, f_on, f_off, *, beta: float, policy_gradient: bool = False, temperature: float = 1.0):
    """The student's loss with the critics fixed: beta [L_on + policy-gradient surrogate] +
    (1 - beta) L_off. ``on`` needs ``targets`` when ``policy_gradient``."""
    loss = on["student_logits"].new_zeros(())
    if beta < 1:
        gap = moment_gap(off["teacher_logits"].detach(), off["student_logits"], f_off.detach(), temperature)
        loss = loss + (1 - beta) * sequence_mean(gap, off["mask"])
    if beta > 0:
        gap = moment_gap(on["teacher_logits"].detach(), on["student_logits"], f_on.detach(), temperature)
        on_term = sequence_mean(gap, on["mask"])
        if policy_gradient:
            advantage = future_gap_advantage(gap.detach(), on["mask"]).detach()
            log_q = F.log_softmax(on["student_logits"] / temperature, dim=-1)
            logq_y = log_q.gather(-1, on["targets"].long().unsqueeze(-1)).squeeze(-1)
            on_term = on_term + sequence_mean(logq_y * advantage, on["mask"])
        loss = loss + beta * on_term
    return loss


def exact_distance(teacher_logits, student_logits, mask, bound: float = 1.0):
    """The best bounded critic's value f* = R sign(p - q): 2R sum_t tvd(s_t), mean over sequences."""
    return 2 * bound * sequence_mean(token_divergence("tvd", teacher_logits, student_logits), mask)


def oracle_critic(teacher_logits, student_logits, bound: float = 1.0):
    """f* = R sign(p - q), the strongest critic bounded by R (for debugging the game)."""
    p = F.softmax(teacher_logits, dim=-1)
    q = F.softmax(student_logits, dim=-1)
    return bound * torch.sign(p - q)


def penalised_critic(teacher_logits, student_logits, bound: float = 1.0, penalty: float = 1.0):
    """The penalised game's best critic at each state, clip((p - q) / 2c, -R, R); the oracle at c = 0."""
    if penalty <= 0:
        return oracle_critic(teacher_logits, student_logits, bound)
    p = F.softmax(teacher_logits, dim=-1)
    q = F.softmax(student_logits, dim=-1)
    return ((p - q) / (2 * penalty)).clamp(-bound, bound)


# ---------------------------------------------------------------------------------------------
# X-KD (adopting AVRIL, Chan & van der Schaar, ICLR 2021); the mapping onto language models is
# the playground's.

HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def xkd_loss(
    student_logits,
    teacher_logits,
    mu,
    log_sigma,
    targets,
    mask,
    *,
    lmbda: float = 1.0,
    gamma: float = 1.0,
    base: str = "seq",
    divergence: str = "fkl",
):
    """L_KD + KL(N(mu, sigma^2) || N(0, 1)) - lambda log N(Q(s_t, y_t) - gamma Q(s_t+1, y_t+1); mu, sigma),
    means over the valid positions, with the student's logits read as Q and Q after the last valid
    position taken as 0. ``mu`` and ``log_sigma`` are the reward head's ``[B, T, V]`` outputs."""
    maskf = mask.to(student_logits.dtype)
    idx = targets.long().unsqueeze(-1)
    if base == "seq":
        kd = token_nll(student_logits, targets)
    else:
        kd = token_divergence(divergence, teacher_logits.detach(), student_logits)
    q_y = student_logits.gather(-1, idx).squeeze(-1)
    mu_y = mu.gather(-1, idx).squeeze(-1)
    ls_y = log_sigma.gather(-1, idx).squeeze(-1)
    masked_q = q_y * maskf
    next_q = torch.cat([masked_q[:, 1:], masked_q.new_zeros(masked_q.shape[0], 1)], dim=1)
    td = q_y - gamma * next_q
    kl_prior = 0.5 * ((2 * ls_y).exp() + mu_y.square() - 1) - ls_y
    td_loglik = -0.5 * (td - mu_y).square() * (-2 * ls_y).exp() - ls_y - HALF_LOG_2PI
    reward_terms = kl_prior - lmbda * td_loglik
    n = maskf.sum().clamp_min(1)
    reward_loss = (reward_terms * maskf).sum() / n
    kd_loss = (kd * maskf).sum() / n
    return {"loss": kd_loss + reward_loss, "reward_loss": reward_loss}


# ---------------------------------------------------------------------------------------------
# The methods of 2025 (docs/methods.md, "The methods of 2025"), each as the playground computes it.


def future_sums(x, gamma: float):
    """sum_{t' >= t} gamma^(t' - t) x_{t'} along the last axis (x itself at gamma = 0)."""
    if gamma == 0:
        return x
    T = x.shape[-1]
    idx = torch.arange(T, device=x.device)
    power = (idx.unsqueeze(1) - idx.unsqueeze(0)).to(x.dtype)  # [src, dst]: src - dst
    weights = torch.where(power >= 0, torch.as_tensor(gamma, dtype=x.dtype) ** power.clamp_min(0), torch.zeros_like(power))
    return x @ weights


def opd_sampled_loss(student_logits, teacher_logits, targets, mask, *, gamma: float = 0.0):
    """On-policy distillation with the sampled token (Lu & Thinking Machines Lab, "On-Policy
    Distillation", 2025): k_t = log q(y_t) - log p(y_t) on the student's own samples is the
    negative advantage, A_t = -sum_{t' >= t} gamma^(t' - t) k_t'. The value is mean_t k_t (an
    estimate of the per-token reverse KL); the gradient is that of -mean_t sg(A_t) log q(y_t), plain
    REINFORCE with no baseline (one update per batch of fresh samples)."""
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    maskf = mask.to(student_logits.dtype)
    idx = targets.long().unsqueeze(-1)
    logq_y = F.log_softmax(student_logits, dim=-1).gather(-1, idx).squeeze(-1)
    logp_y = F.log_softmax(teacher_logits.detach(), dim=-1).gather(-1, idx).squeeze(-1)
    k = (logq_y.detach() - logp_y) * maskf
    advantage = -future_sums(k, gamma) * maskf
    n = maskf.sum().clamp_min(1)
    surrogate = -(advantage * logq_y).sum() / n
    estimate = k.sum() / n
    # The value is the estimate; the gradient is the surrogate's.
    return surrogate - surrogate.detach() + estimate


def taid_divergence(teacher_logits, student_logits, t: float):
    """TAID (Shing et al., ICLR 2025, arXiv 2501.16937, Sec. 3): KL(p_t || q) per position with the
    target p_t = softmax((1 - t) sg(z_q) + t z_p), which carries no gradient; forward KL at t = 1."""
    if not 0 <= t <= 1:
        raise ValueError(f"t must be in [0, 1], got {t}")
    mixed = (1 - t) * student_logits.detach() + t * teacher_logits.detach()
    log_target = F.log_softmax(mixed, dim=-1)
    log_q = F.log_softmax(student_logits, dim=-1)
    return (log_target.exp() * (log_target - log_q)).sum(-1).clamp_min(0)


class TaidSchedule:
    """TAID's interpolation t and its update after each step (Algorithm 1), as the playground runs it:
    m <- beta m + (1 - beta) (l_prev - l) / (l_prev + 1e-15); t <- min(t_end, max(t_linear, t + alpha
    sigmoid(m) (1 - t))), t_linear = t_start + (t_end - t_start) step / total. The first update only
    records the loss; a non-finite loss changes nothing."""

    def __init__(self, t_start: float):
        if not 0 <= t_start <= 1:
            raise ValueError(f"t_start must be in [0, 1], got {t_start}")
        self.t = float(t_start)
        self.momentum = 0.0
        self.previous_loss = None

    def update(self, loss: float, step: int, total_steps: int, *, t_start: float, t_end: float, alpha: float, beta: float, adaptive: bool):
        if not math.isfinite(loss):
            return
        if not 0 <= t_start <= t_end <= 1:
            raise ValueError(f"need 0 <= t_start <= t_end <= 1, got {t_start}, {t_end}")
        if self.previous_loss is None:
            self.previous_loss = loss
            return
        progress = min(1.0, max(0.0, step / total_steps)) if total_steps > 0 else 1.0
        linear = t_start + (t_end - t_start) * progress
        change = (self.previous_loss - loss) / (self.previous_loss + 1e-15)
        self.momentum = beta * self.momentum + (1 - beta) * change
        delta = alpha * (1 / (1 + math.exp(-self.momentum))) * (1 - self.t)
        self.t = min(t_end, max(linear, self.t + delta)) if adaptive else min(t_end, linear)
        self.previous_loss = loss


def stopped_skew_reverse_kl(teacher_logits, student_logits, alpha: float):
    """DistiLLM-2's skew reverse KL, KL(q || (1 - alpha) p + alpha sg(q)) per position: the value of
    DistiLLM's srkl, with no gradient through the student inside the mixture."""
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    log_p = F.log_softmax(teacher_logits, dim=-1)
    log_q = F.log_softmax(student_logits, dim=-1)
    log_mix = _log_mixture(log_p, 1 - alpha, log_q.detach())
    return (log_q.exp() * (log_q - log_mix)).sum(-1).clamp_min(0)


def per_sequence_mean(values, mask):
    """Mean over sequences of each sequence's mean over its valid positions (0 for none)."""
    m = mask.to(values.dtype)
    return ((values * m).sum(-1) / m.sum(-1).clamp_min(1)).mean()


def distillm2_loss(on_teacher: dict, on_student: dict, *, alpha1: float = 0.1, alpha2: float = 0.1, beta: float = 1.0):
    """DistiLLM-2 (Ko et al., ICML 2025, arXiv 2503.07067, Sec. 3) over B pairs, row b of both batches
    answering the same prompt: mean_b [(2 - beta) mean_t skl_alpha1(y_teacher) + beta mean_t
    srkl'_alpha2(y_student)]. Each batch holds ``teacher_logits``, ``student_logits`` and ``mask``."""
    if not 0 <= beta <= 2:
        raise ValueError(f"beta must be in [0, 2], got {beta}")
    skl = per_sequence_mean(token_divergence("skl", on_teacher["teacher_logits"].detach(), on_teacher["student_logits"], alpha=alpha1), on_teacher["mask"])
    srkl = per_sequence_mean(stopped_skew_reverse_kl(on_student["teacher_logits"].detach(), on_student["student_logits"], alpha2), on_student["mask"])
    return {"loss": (2 - beta) * skl + beta * srkl, "skl": skl, "srkl": srkl}


def in_teacher_top_k(teacher_logits, tokens, top_k: int):
    """SKD's acceptance rule (Xu et al., ICLR 2025, arXiv 2410.11325, Algorithm 1): whether each token
    is among the K largest teacher logits, i.e. fewer than K tokens have a strictly larger logit
    (ties count in its favour). ``teacher_logits`` [..., V], ``tokens`` [...]; top_k 0 or >= V
    accepts everything."""
    if top_k < 0:
        raise ValueError(f"top_k must be >= 0, got {top_k}")
    if top_k == 0 or top_k >= teacher_logits.shape[-1]:
        return torch.ones(tokens.shape, dtype=torch.bool, device=tokens.device)
    own = teacher_logits.gather(-1, tokens.long().unsqueeze(-1))
    rank = (teacher_logits > own).sum(-1)
    return rank < top_k


AB_ZERO = 1e-6


def ab_divergence(teacher_logits, student_logits, alpha: float, beta: float):
    """The alpha-beta divergence of ABKD (Wang et al., ICML 2025, arXiv 2505.04560; Cichocki, Cruces &
    Amari, Entropy 2011) per position, p = softmax(teacher), q = softmax(student):
    -1/(alpha beta) sum [p^a q^b - a/(a+b) p^(a+b) - b/(a+b) q^(a+b)], with the continuous limits
    where alpha, beta or alpha + beta is 0 (|x| < 1e-6). Forward KL at (1, 0), reverse KL at (0, 1).
    Powers are exponentials of log-probabilities."""
    if not (math.isfinite(alpha) and math.isfinite(beta)):
        raise ValueError(f"alpha and beta must be finite, got ({alpha}, {beta})")
    zero = lambda x: abs(x) < AB_ZERO  # noqa: E731
    log_p = F.log_softmax(teacher_logits, dim=-1)
    log_q = F.log_softmax(student_logits, dim=-1)
    if zero(alpha) and zero(beta):
        value = 0.5 * (log_q - log_p).square().sum(-1)
    elif zero(alpha):
        qb = (beta * log_q).exp()
        value = (qb * beta * (log_q - log_p) - qb + (beta * log_p).exp()).sum(-1) / (beta * beta)
    elif zero(beta):
        pa = (alpha * log_p).exp()
        value = (pa * alpha * (log_p - log_q) - pa + (alpha * log_q).exp()).sum(-1) / (alpha * alpha)
    elif zero(alpha + beta):
        r = alpha * (log_q - log_p)
        value = (r + (-r).exp() - 1).sum(-1) / (alpha * alpha)
    else:
        s = alpha + beta
        cross = (alpha * log_p + beta * log_q).exp()
        terms = cross - (alpha / s) * (s * log_p).exp() - (beta / s) * (s * log_q).exp()
        value = terms.sum(-1) * (-1 / (alpha * beta))
    return value.clamp_min(0)
