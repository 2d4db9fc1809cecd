"""Trainers for Hugging Face TRL that TRL does not have, as the Alembic playground runs them:
AMMD (adversarial moment matching), DistiLLM's skew divergences with the adaptive off-policy
schedule, X-KD, MiniLLM as the playground computes it, GKD with any token divergence, and the
methods of 2025: on-policy distillation (sampled and dense), TAID, DistiLLM-2, SKD and ABKD.

An exported recipe carries this package in its own folder, next to its students' train.py."""

from .losses import (
    TaidSchedule,
    ab_divergence,
    ammd_critic_loss,
    ammd_student_loss,
    distillm2_loss,
    in_teacher_top_k,
    minillm_loss,
    opd_sampled_loss,
    stopped_skew_reverse_kl,
    taid_divergence,
    token_divergence,
    xkd_loss,
)

__all__ = [
    "TaidSchedule",
    "ab_divergence",
    "ammd_critic_loss",
    "ammd_student_loss",
    "distillm2_loss",
    "in_teacher_top_k",
    "minillm_loss",
    "opd_sampled_loss",
    "stopped_skew_reverse_kl",
    "taid_divergence",
    "token_divergence",
    "xkd_loss",
]
