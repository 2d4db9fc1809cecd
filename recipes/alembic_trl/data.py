"""Datasets of prompts and completions, and the batches the Alembic trainers train on.

A dataset has a ``prompt`` and a ``completion`` column (a local JSON-lines file or a Hub
dataset id). A batch holds the prompt and completion token ids right after each other, the
completion followed by EOS, with ``labels`` = -100 on prompt and padding positions, and the
prompts alone, left-padded, for sampling continuations.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from datasets import Dataset, load_dataset

# A chat template for tokenizers that have none (base models, the test's tiny models): the
# prompt and the answer written one after the other, as the playground's tasks are.
PLAIN_CHAT_TEMPLATE = (
    "{% for message in messages %}{{ message['content'] }}{% endfor %}"
    "{% if add_generation_prompt %}{% endif %}"
)


def load_prompt_completion(source: str, split: str = "train", prompt_field: str = "prompt", completion_field: str = "completion") -> Dataset:
    """A local ``.jsonl``/``.json`` file or a Hub dataset id, with columns renamed to prompt/completion."""
    if source.endswith((".jsonl", ".json")):
        ds = load_dataset("json", data_files={split: source}, split=split)
    else:
        ds = load_dataset(source, split=split)
    if prompt_field != "prompt":
        ds = ds.rename_column(prompt_field, "prompt")
    if completion_field != "completion":
        ds = ds.rename_column(completion_field, "completion")
    return ds.select_columns(["prompt", "completion"])


def as_messages(ds: Dataset) -> Dataset:
    """The same examples as one user turn and one assistant turn (what TRL's GKD collator reads)."""
    return ds.map(
        lambda ex: {"messages": [{"role": "user", "content": ex["prompt"]}, {"role": "assistant", "content": ex["completion"]}]},
        remove_columns=["prompt", "completion"],
    )


def ensure_chat_template(tokenizer) -> None:
    if getattr(tokenizer, "chat_template", None) is None:
        tokenizer.chat_template = PLAIN_CHAT_TEMPLATE
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token


@dataclass
class PromptCompletionCollator:
    """Tokenises prompt + completion + EOS into a right-padded batch and left-padded prompts."""

    tokenizer: object
    max_length: int = 512

    def __call__(self, examples: list[dict]) -> dict[str, torch.Tensor]:
        tok = self.tokenizer
        pad = tok.pad_token_id
        prompts, fulls, prompt_lens = [], [], []
        for ex in examples:
            p = tok(ex["prompt"], add_special_tokens=False)["input_ids"]
            c = tok(ex["completion"], add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
            full = (p + c)[: self.max_length]
            prompts.append(p)
            fulls.append(full)
            prompt_lens.append(min(len(p), len(full)))
        width = max(len(f) for f in fulls)
        input_ids = torch.full((len(fulls), width), pad, dtype=torch.long)
        attention = torch.zeros((len(fulls), width), dtype=torch.long)
        labels = torch.full((len(fulls), width), -100, dtype=torch.long)
        for i, (full, n_prompt) in enumerate(zip(fulls, prompt_lens)):
            input_ids[i, : len(full)] = torch.tensor(full)
            attention[i, : len(full)] = 1
            labels[i, n_prompt : len(full)] = torch.tensor(full[n_prompt:])
        pwidth = max(len(p) for p in prompts)
        prompt_ids = torch.full((len(prompts), pwidth), pad, dtype=torch.long)
        prompt_mask = torch.zeros((len(prompts), pwidth), dtype=torch.long)
        for i, p in enumerate(prompts):
            prompt_ids[i, pwidth - len(p) :] = torch.tensor(p)
            prompt_mask[i, pwidth - len(p) :] = 1
        return {
            "input_ids": input_ids,
            "attention_mask": attention,
            "labels": labels,
            "prompts": prompt_ids,
            "prompt_attention_mask": prompt_mask,
        }


def shifted(logits: torch.Tensor, labels: torch.Tensor):
    """Logits at position t predict the token at t + 1: the [B, T-1, V] logits, the [B, T-1]
    targets (0 where masked) and the mask of continuation positions."""
    targets = labels[:, 1:]
    mask = (targets != -100).to(logits.dtype)
    return logits[:, :-1, :], targets.clamp_min(0), mask
