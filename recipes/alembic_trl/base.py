"""What the Alembic trainers share: a frozen teacher beside the student, batches of prompts and
completions, and continuations sampled from either model with no gradient through sampling.

The trainers are ``transformers.Trainer`` subclasses with TRL's conventions (a config dataclass
extending ``TrainingArguments``, ``teacher_model`` beside ``model``, ``processing_class``), so
they run under ``accelerate launch`` on one GPU or several like TRL's own trainers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import torch
from transformers import GenerationConfig, LogitsProcessorList, Trainer, TrainingArguments

from .data import PromptCompletionCollator, shifted


@dataclass
class AlembicDistillConfig(TrainingArguments):
    """Settings every Alembic trainer shares, on top of ``TrainingArguments``."""

    max_new_tokens: int = field(default=128, metadata={"help": "Longest sampled continuation."})
    sample_temperature: float = field(default=1.0, metadata={"help": "Temperature of sampled continuations; 0 decodes greedily."})
    max_length: int = field(default=512, metadata={"help": "Prompt + completion tokens kept from each example."})
    disable_dropout: bool = field(default=True, metadata={"help": "Train the student without dropout, as the playground does."})

    def __post_init__(self):
        # The columns the collator reads are not model inputs: keep them.
        self.remove_unused_columns = False
        super().__post_init__()


class AlembicDistillTrainer(Trainer):
    """A student trainer with a frozen teacher. Subclasses choose data in ``training_step`` and
    define ``compute_loss``."""

    def __init__(self, model, teacher_model, args: AlembicDistillConfig, train_dataset=None, eval_dataset=None, processing_class=None, **kwargs):
        if processing_class is None:
            raise ValueError("processing_class (the tokenizer) is required")
        if processing_class.pad_token is None:
            processing_class.pad_token = processing_class.eos_token
        kwargs.setdefault("data_collator", PromptCompletionCollator(processing_class, args.max_length))
        if args.disable_dropout:
            for module in model.modules():
                if isinstance(module, torch.nn.Dropout):
                    module.p = 0.0
        super().__init__(model=model, args=args, train_dataset=train_dataset, eval_dataset=eval_dataset, processing_class=processing_class, **kwargs)
        teacher_model.eval()
        teacher_model.requires_grad_(False)
        self.teacher_model = self.accelerator.prepare_model(teacher_model, evaluation_mode=True)
        # The method's own draws (data sources, buffer picks), seeded and separate from torch's.
        self.method_rng = random.Random(args.seed)
        self.model_accepts_loss_kwargs = False

    # -- sampling ------------------------------------------------------------------------------

    @torch.no_grad()
    def sample_continuations(self, model, inputs: dict, temperature: float | None = None, logits_processor=None) -> dict:
        """Continue ``inputs["prompts"]`` with ``model`` at ``temperature`` (default the config's),
        and return a batch of the same form as the collator's: labels on the continuation up to
        and including the first EOS. ``logits_processor`` (a list) may reshape each next-token
        distribution first (MiniLLM's teacher mixture, SKD's teacher check)."""
        tau = self.args.sample_temperature if temperature is None else temperature
        tok = self.processing_class
        unwrapped = self.accelerator.unwrap_model(model)
        was_training = unwrapped.training
        unwrapped.eval()
        config = GenerationConfig(
            max_new_tokens=self.args.max_new_tokens,
            do_sample=tau > 0,
            temperature=tau if tau > 0 else None,
            top_k=0 if tau > 0 else None,
            top_p=1.0 if tau > 0 else None,
            pad_token_id=tok.pad_token_id,
            eos_token_id=tok.eos_token_id,
        )
        prompts, prompt_mask = inputs["prompts"], inputs["prompt_attention_mask"]
        extra = {"logits_processor": LogitsProcessorList(logits_processor)} if logits_processor else {}
        sequences = unwrapped.generate(input_ids=prompts, attention_mask=prompt_mask, generation_config=config, **extra)
        if was_training:
            unwrapped.train()
        width = prompts.shape[1]
        completion = sequences[:, width:]
        is_eos = completion == tok.eos_token_id
        first = torch.where(is_eos.any(1), is_eos.int().argmax(1), torch.full_like(is_eos[:, 0], completion.shape[1], dtype=torch.long))
        keep = torch.arange(completion.shape[1], device=completion.device).unsqueeze(0) <= first.unsqueeze(1)
        attention = torch.cat([prompt_mask, keep.long()], dim=1)
        labels = sequences.clone()
        labels[attention == 0] = -100
        labels[:, :width] = -100
        return {"input_ids": sequences, "attention_mask": attention, "labels": labels, "prompts": prompts, "prompt_attention_mask": prompt_mask}

    # -- logits ----------------------------------------------------------------------------------

    def teacher_logits(self, batch: dict, hidden: bool = False):
        with torch.no_grad():
            out = self.teacher_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_hidden_states=hidden)
        return (out.logits, out.hidden_states[-1]) if hidden else out.logits

    def student_outputs(self, model, batch: dict, hidden: bool = False):
        return model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_hidden_states=hidden)

    @staticmethod
    def align(teacher_logits, student_logits, labels):
        """Shifted teacher and student logits, targets and mask of one batch."""
        s, targets, mask = shifted(student_logits, labels)
        return teacher_logits[:, :-1, :].to(s.dtype), s, targets, mask
