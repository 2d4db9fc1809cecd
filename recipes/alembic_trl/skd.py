"""SKD, speculative knowledge distillation (Xu et al., "Speculative Knowledge Distillation: Bridging
the Teacher-Student Gap Through Interleaved Sampling", ICLR 2025, arXiv 2410.11325, Algorithm 1), as
the playground runs it: the student proposes each token at ``sample_temperature``; a proposal
outside the teacher's top ``top_k`` at that prefix (fewer than K tokens with a strictly larger
teacher logit keeps it) is replaced by the teacher's own sample at ``teacher_temperature``; decoding
continues from the interleaved prefix, and the student minimises a token divergence on the result.
``top_k`` 0 accepts every proposal (plain on-policy distillation). The share of proposals accepted
since the previous log is logged as ``skd_acceptance``.

Proposals are checked token by token as they are drawn; the official code checks blocks of five
with assisted decoding, which draws from the same process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from transformers import LogitsProcessor

from .base import AlembicDistillConfig, AlembicDistillTrainer
from .losses import in_teacher_top_k, masked_mean, token_divergence

SKD_DIVERGENCES = ("fkl", "rkl", "tvd")


@dataclass
class SKDConfig(AlembicDistillConfig):
    sample_temperature: float = field(default=0.5, metadata={"help": "Temperature of the student's proposals; 0 greedy."})
    teacher_temperature: float = field(default=0.2, metadata={"help": "Temperature of the teacher's replacements; 0 greedy."})
    top_k: int = field(default=25, metadata={"help": "A proposal survives among the teacher's top K; 0 accepts every proposal."})
    divergence: str = field(default="fkl", metadata={"help": f"Token divergence on the interleaved sequence: {', '.join(SKD_DIVERGENCES)}."})

    def __post_init__(self):
        super().__post_init__()
        if self.divergence not in SKD_DIVERGENCES:
            raise ValueError(f"divergence must be one of {', '.join(SKD_DIVERGENCES)}, got {self.divergence!r}")
        if self.top_k < 0:
            raise ValueError(f"top_k must be >= 0, got {self.top_k}")
        if self.teacher_temperature < 0:
            raise ValueError(f"teacher_temperature must be >= 0, got {self.teacher_temperature}")


def draw(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """A token per row sampled from softmax(logits / temperature); the argmax at temperature 0."""
    if temperature <= 0:
        return logits.argmax(-1)
    return torch.multinomial(torch.softmax(logits.float() / temperature, dim=-1), 1).squeeze(-1)


class SpeculativeChoice(LogitsProcessor):
    """Makes generate() decode the interleaved sequence: from the student's next-token scores it
    draws the proposal, asks the teacher (reading each new token once, with its own cache) whether
    the proposal is in its top K, and returns scores that put all mass on the token kept, so greedy
    decoding takes exactly that token. Counts accepted and proposed tokens of unfinished rows."""

    def __init__(self, teacher, prompt_mask: torch.Tensor, args: SKDConfig, eos_id: int):
        self.teacher, self.args, self.eos_id = teacher, args, eos_id
        self.prompt_mask = prompt_mask
        self.cache = None
        self.seen = 0
        self.done = torch.zeros(prompt_mask.shape[0], dtype=torch.bool, device=prompt_mask.device)
        self.accepted = 0
        self.proposed = 0

    @torch.no_grad()
    def _teacher_next(self, input_ids: torch.Tensor) -> torch.Tensor:
        width = self.prompt_mask.shape[1]
        generated = input_ids.shape[1] - width
        mask = torch.cat([self.prompt_mask, self.prompt_mask.new_ones((input_ids.shape[0], generated))], dim=1)
        positions = (mask.cumsum(1) - 1).clamp_min(0)
        new = slice(self.seen, input_ids.shape[1])
        out = self.teacher(
            input_ids=input_ids[:, new], attention_mask=mask, position_ids=positions[:, new], cache=self.cache, use_cache=True
        )
        self.cache = out.cache
        self.seen = input_ids.shape[1]
        return out.logits[:, -1, :].float()

    def __call__(self, input_ids, scores):
        teacher_logits = self._teacher_next(input_ids)
        vocab = min(scores.shape[-1], teacher_logits.shape[-1])
        proposal = draw(scores[:, :vocab], self.args.sample_temperature)
        accepted = in_teacher_top_k(teacher_logits[:, :vocab], proposal, self.args.top_k)
        token = torch.where(accepted, proposal, draw(teacher_logits[:, :vocab], self.args.teacher_temperature))
        active = ~self.done
        self.accepted += int((accepted & active).sum())
        self.proposed += int(active.sum())
        self.done |= token == self.eos_id
        chosen = torch.full_like(scores, float("-inf"))
        chosen.scatter_(1, token.unsqueeze(1), 0.0)
        return chosen


class SKDTrainer(AlembicDistillTrainer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._accepted = 0
        self._proposed = 0

    def training_step(self, model, inputs, num_items_in_batch=None):
        choice = SpeculativeChoice(self.teacher_model, inputs["prompt_attention_mask"], self.args, self.processing_class.eos_token_id)
        # Temperature 0: generate() takes the processor's choice as it stands.
        samples = self.sample_continuations(model, inputs, temperature=0.0, logits_processor=[choice])
        self._accepted += choice.accepted
        self._proposed += choice.proposed
        return super().training_step(model, samples, num_items_in_batch)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        student = self.student_outputs(model, inputs)
        teacher, s, _, mask = self.align(self.teacher_logits(inputs), student.logits, inputs["labels"])
        loss = masked_mean(token_divergence(self.args.divergence, teacher, s), mask)
        return (loss, student) if return_outputs else loss

    def log(self, logs, *args, **kwargs):
        if self._proposed > 0:
            logs["skd_acceptance"] = self._accepted / self._proposed
            self._accepted = self._proposed = 0
        super().log(logs, *args, **kwargs)
