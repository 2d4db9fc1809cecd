"""AMMD, adversarial moment-matching distillation (Jia, "Adversarial Moment-Matching
Distillation of Large Language Models", NeurIPS 2024, arXiv 2406.02959), on TRL's API.

The game: min over the student, max over two critics f_on and f_off bounded by R, of
beta L_on + (1 - beta) L_off, where L_on sums the moment gap g_f(s) = sum_a (p - q)(a|s) f(s, a)
along the student's own continuations and L_off along the teacher's.

The critic is the playground's reconstruction (the paper's is not public): value heads
f = R tanh(h) read at every position, zero-initialised so nothing pushes the student before the
critic has seen a difference, trained by K Adam steps per student step to maximise the game
minus an L2 penalty c sum_t sum_a f^2 at the visited states (without it the game collapses),
then one student step with the critics fixed (``critic_warmup`` extra critic steps before the
first). ``critic``: ``learned`` (the above), or computed exactly from p and q at every state:
``oracle`` f = R sign(p - q), the strongest bounded critic, and ``penalised`` the penalised game's
optimum clip((p - q) / 2c, -R, R), what a critic that keeps up would give. ``critic_features``,
what learned heads read: ``own`` a transformer of the student's architecture, freshly
initialised; ``teacher`` the frozen teacher's last hidden state; ``both`` the teacher's and the
detached student's last hidden states side by side; ``probs`` those two plus the teacher's and
the student's next-token distributions p and q (detached), so a linear head can reach the
penalised optimum (p - q) / 2c (the playground's default).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn
from transformers import AutoModel

from .base import AlembicDistillConfig, AlembicDistillTrainer
from .losses import ammd_critic_loss, ammd_student_loss, exact_distance, oracle_critic, penalised_critic

CRITICS = ("learned", "oracle", "penalised")
FEATURES = ("own", "teacher", "both", "probs")


@dataclass
class AMMDConfig(AlembicDistillConfig):
    beta: float = field(default=0.5, metadata={"help": "Weight of the on-policy distance; 1 - beta weighs the off-policy one."})
    bound: float = field(default=1.0, metadata={"help": "R: the critics are R tanh(h), |f| <= R."})
    critic_steps: int = field(default=2, metadata={"help": "K: critic Adam steps before each student step."})
    penalty: float = field(default=0.3, metadata={"help": "c of the L2 penalty on the critics' outputs; 0 is the unregularised game."})
    critic_lr_scale: float = field(default=10.0, metadata={"help": "The critics' learning rate as a multiple of the student's."})
    policy_gradient: bool = field(default=False, metadata={"help": "Add the score-function term of the on-policy prefixes."})
    critic: str = field(default="learned", metadata={"help": f"One of {', '.join(CRITICS)}."})
    critic_features: str = field(default="probs", metadata={"help": f"What learned heads read: one of {', '.join(FEATURES)}."})
    critic_warmup: int = field(default=0, metadata={"help": "Extra critic steps before the first student step."})

    def __post_init__(self):
        super().__post_init__()
        if not 0 <= self.beta <= 1:
            raise ValueError(f"beta must be in [0, 1], got {self.beta}")
        if not self.bound > 0:
            raise ValueError(f"bound must be > 0, got {self.bound}")
        if self.critic not in CRITICS:
            raise ValueError(f"critic must be one of {', '.join(CRITICS)}, got {self.critic!r}")
        if self.critic_features not in FEATURES:
            raise ValueError(f"critic_features must be one of {', '.join(FEATURES)}, got {self.critic_features!r}")


class ValueHeads(nn.Module):
    """Two zero-initialised heads, on and off, over hidden states: f = R tanh(W h + b)."""

    def __init__(self, hidden_size: int, vocab_size: int, bound: float, trunk: nn.Module | None = None):
        super().__init__()
        self.trunk = trunk
        self.bound = bound
        self.on = nn.Linear(hidden_size, vocab_size)
        self.off = nn.Linear(hidden_size, vocab_size)
        for head in (self.on, self.off):
            nn.init.zeros_(head.weight)
            nn.init.zeros_(head.bias)

    def forward(self, batch: dict | None, head: str, hidden: torch.Tensor | None = None) -> torch.Tensor:
        if self.trunk is not None:
            hidden = self.trunk(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        layer = self.on if head == "on" else self.off
        return self.bound * torch.tanh(layer(hidden.to(layer.weight.dtype)))


class AMMDTrainer(AlembicDistillTrainer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        a = self.args
        config = self.accelerator.unwrap_model(self.model).config
        vocab = config.get_text_config().vocab_size
        self.critic = None
        if a.critic == "learned":
            if a.critic_features == "own":
                trunk = AutoModel.from_config(config)
                heads = ValueHeads(trunk.config.get_text_config().hidden_size, vocab, a.bound, trunk)
            else:
                width = self.accelerator.unwrap_model(self.teacher_model).config.get_text_config().hidden_size
                if a.critic_features in ("both", "probs"):
                    width += config.get_text_config().hidden_size
                if a.critic_features == "probs":
                    width += self.accelerator.unwrap_model(self.teacher_model).config.get_text_config().vocab_size + vocab
                heads = ValueHeads(width, vocab, a.bound)
            optimizer = torch.optim.Adam(heads.parameters(), lr=a.learning_rate * a.critic_lr_scale, betas=(a.adam_beta1, a.adam_beta2), eps=a.adam_epsilon)
            self.critic, self.critic_optimizer = self.accelerator.prepare(heads.to(self.args.device), optimizer)
        self.last_critic_loss = None

    # -- one step: sample, K critic steps, one student step ----------------------------------

    def training_step(self, model, inputs, num_items_in_batch=None):
        a = self.args
        on = self.sample_continuations(model, inputs) if a.beta > 0 else None
        off = self.sample_continuations(self.teacher_model, inputs) if a.beta < 1 else None
        batches = {"on": on or off, "off": off or on}
        views = {k: self._fixed_view(model, b) for k, b in batches.items()}
        if self.critic is not None:
            steps = a.critic_steps + (a.critic_warmup if self.state.global_step == 0 else 0)
            for _ in range(steps):
                f = {k: self._critic_values(k, batches[k], views[k]) for k in ("on", "off")}
                result = ammd_critic_loss(views["on"], views["off"], f["on"], f["off"], beta=a.beta, penalty=a.penalty)
                self.critic_optimizer.zero_grad()
                self.accelerator.backward(result["loss"])
                if a.max_grad_norm and a.max_grad_norm > 0:
                    self.accelerator.clip_grad_norm_(self.critic.parameters(), a.max_grad_norm)
                self.critic_optimizer.step()
                self.last_critic_loss = float(result["loss"].detach())
        with torch.no_grad():
            fixed = {k: self._critic_values(k, batches[k], views[k]).detach() for k in ("on", "off")}
        step_inputs = {"input_ids": batches["on"]["input_ids"], "ammd": {"batches": batches, "f": fixed}}
        return super().training_step(model, step_inputs, num_items_in_batch)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        a = self.args
        batches, f = inputs["ammd"]["batches"], inputs["ammd"]["f"]
        views = {}
        for key, batch in batches.items():
            student = self.student_outputs(model, batch)
            teacher, s, targets, mask = self.align(self.teacher_logits(batch), student.logits, batch["labels"])
            views[key] = {"teacher_logits": teacher, "student_logits": s, "targets": targets, "mask": mask}
        loss = ammd_student_loss(views["on"], views["off"], f["on"], f["off"], beta=a.beta, policy_gradient=a.policy_gradient)
        return (loss, None) if return_outputs else loss

    def log(self, logs, *args, **kwargs):
        if self.last_critic_loss is not None and "loss" in logs:
            logs["critic_loss"] = self.last_critic_loss
        super().log(logs, *args, **kwargs)

    # -- helpers ---------------------------------------------------------------------------------

    def _fixed_view(self, model, batch) -> dict:
        """Teacher and student logits of a batch, as constants (what the critics see)."""
        features = self.args.critic_features if self.args.critic == "learned" else None
        with torch.no_grad():
            frozen = features in ("teacher", "both", "probs")
            out = self.teacher_logits(batch, hidden=frozen)
            teacher, hidden = out if frozen else (out, None)
            student_out = self.student_outputs(model, batch, hidden=features in ("both", "probs"))
            student = student_out.logits
            if features in ("both", "probs"):
                hidden = torch.cat([hidden, student_out.hidden_states[-1].to(hidden.dtype)], dim=-1)
            if features == "probs":
                p, q = (x.float().softmax(-1).to(hidden.dtype) for x in (teacher, student))
                hidden = torch.cat([hidden, p, q], dim=-1)
        t, s, targets, mask = self.align(teacher, student, batch["labels"])
        return {"teacher_logits": t, "student_logits": s.detach(), "targets": targets, "mask": mask, "hidden": hidden}

    def _critic_values(self, head: str, batch: dict, view: dict) -> torch.Tensor:
        if self.args.critic == "oracle":
            return oracle_critic(view["teacher_logits"], view["student_logits"], self.args.bound)
        if self.args.critic == "penalised":
            return penalised_critic(view["teacher_logits"], view["student_logits"], self.args.bound, self.args.penalty)
        hidden = view["hidden"]
        values = self.critic(batch if hidden is None else None, head, hidden)
        return values[:, :-1, :]

    @torch.no_grad()
    def exact_distances(self, batches: dict) -> dict[str, float]:
        """mmOnExact / mmOffExact of the playground: 2R sum_t tvd per sequence."""
        out = {}
        for key in ("on", "off"):
            view = self._fixed_view(self.model, batches[key])
            out[key] = float(exact_distance(view["teacher_logits"], view["student_logits"], view["mask"], self.args.bound))
        return out
