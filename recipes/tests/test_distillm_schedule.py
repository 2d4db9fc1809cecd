"""DistiLLM's adaptive off-policy schedule and replay buffer, on sequences worked out by hand
(the same rules as the playground's engine: a rise is measured from the lowest NLL since phi
last rose, and restarts at the NLL that raised it)."""

import random

import pytest
import torch

from alembic_trl.distillm import AdaptiveOffPolicy, ReplayBuffer


def test_phi_rises_by_a_tenth_when_the_nll_climbs_epsilon_above_its_best():
    s = AdaptiveOffPolicy(epsilon=0.1)
    for nll, phi in [(1.0, 0.0), (0.9, 0.0), (0.99, 0.0), (1.0, 0.1), (1.05, 0.1), (1.1, 0.2), (0.5, 0.2), (0.6, 0.3)]:
        s.observe_validation_nll(nll)
        assert s.phi == pytest.approx(phi), (nll, s.phi)
    assert s.rises == 3
    s.observe_validation_nll(float("nan"))  # a diverged evaluation says nothing
    assert s.phi == pytest.approx(0.3)


def test_phi_stops_at_one():
    s = AdaptiveOffPolicy(epsilon=0.1)
    for i in range(20):
        s.observe_validation_nll(float(i))
    assert s.phi == 1.0


def test_where_each_batch_comes_from():
    s = AdaptiveOffPolicy()
    assert s.choose(0.0, 0, 100, buffer_full=False) == "dataset"  # phi = 0: always the dataset
    s.phi = 0.5
    # s = phi (1 - step/steps) = 0.25 at step 50 of 100
    assert s.choose(0.2, 50, 100, buffer_full=True) == "fresh"
    assert s.choose(0.3, 50, 100, buffer_full=True) == "buffer"
    assert s.choose(0.3, 50, 100, buffer_full=False) == "fresh"
    assert s.choose(0.6, 50, 100, buffer_full=False) == "dataset"
    assert s.choose(0.01, 100, 100, buffer_full=True) == "buffer"  # at the end, s = 0


def batch(ids):
    n = len(ids)
    x = torch.tensor([[9, v, 3, 0] for v in ids])
    return {
        "input_ids": x,
        "attention_mask": torch.tensor([[1, 1, 1, 0]] * n),
        "labels": torch.tensor([[-100, v, 3, -100] for v in ids]),
        "prompts": torch.tensor([[0, 9]] * n),
        "prompt_attention_mask": torch.tensor([[0, 1]] * n),
    }


def test_buffer_is_first_in_first_out_and_pads_back():
    buf = ReplayBuffer(capacity=3)
    buf.push(batch([1, 2]))
    assert not buf.full
    buf.push(batch([3, 4]))
    assert buf.full
    assert [int(r["input_ids"][1]) for r in buf.rows] == [2, 3, 4]  # 1 was the oldest
    out = buf.sample(3, random.Random(0), pad_id=0, device="cpu")
    assert sorted(out["input_ids"][:, 1].tolist()) == [2, 3, 4]  # without replacement
    assert out["input_ids"].shape == (3, 3)  # trimmed of the padding column
    assert out["prompts"].tolist() == [[9]] * 3
    assert out["labels"][0, 0].item() == -100
