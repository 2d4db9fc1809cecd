"""Trainers for Hugging Face TRL that TRL does not have, as the Alembic playground runs them:
AMMD (adversarial moment matching), DistiLLM's skew divergences with the adaptive off-policy
schedule, X-KD, MiniLLM as the playground computes it, and GKD with any token divergence."""

from .losses import (
    ammd_critic_loss,
    ammd_student_loss,
    minillm_loss,
    token_divergence,
    xkd_loss,
)

__all__ = [
    "ammd_critic_loss",
    "ammd_student_loss",
    "minillm_loss",
    "token_divergence",
    "xkd_loss",
]
