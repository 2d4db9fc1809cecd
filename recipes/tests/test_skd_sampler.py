"""SKD's interleaved sampler on tiny random models, against its two limits worked out without it:
with every proposal accepted (top_k 0) and a greedy student the sequence is the student's own greedy
decoding; with K = 1 and a greedy teacher every generated token is the teacher's argmax at its
prefix, whatever the student proposed. The acceptance counts cover exactly the generated tokens."""

import torch
from transformers import GPT2Config, GPT2LMHeadModel

from alembic_trl.base import AlembicDistillTrainer
from alembic_trl.skd import SKDConfig, SpeculativeChoice

V, PAD, EOS = 12, 0, 1


class Tok:
    pad_token_id, eos_token_id, pad_token, eos_token = PAD, EOS, "<pad>", "<eos>"


def model(seed, width):
    torch.manual_seed(seed)
    cfg = GPT2Config(vocab_size=V, n_positions=32, n_embd=width, n_layer=1, n_head=2, bos_token_id=2, eos_token_id=EOS, pad_token_id=PAD)
    return GPT2LMHeadModel(cfg).eval()


def prompts():
    # Left-padded, of two lengths: the positions must follow each row's own start.
    ids = torch.tensor([[PAD, 5, 6, 7], [3, 4, 8, 9], [PAD, PAD, 10, 11]])
    return ids, (ids != PAD).long()


def generate(student, teacher, **overrides):
    args = SKDConfig(output_dir="/tmp/skd-test", report_to="none", max_new_tokens=6, use_cpu=True, **overrides)
    ids, mask = prompts()
    choice = SpeculativeChoice(teacher, mask, args, EOS)

    class Shim:  # what sample_continuations reads from a trainer
        processing_class = Tok()

        class accelerator:
            unwrap_model = staticmethod(lambda m: m)

    Shim.args = args
    batch = AlembicDistillTrainer.sample_continuations(Shim(), student, {"prompts": ids, "prompt_attention_mask": mask}, 0.0, [choice])
    return batch, choice


def teacher_argmax(teacher, batch):
    with torch.no_grad():
        logits = teacher(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], position_ids=(batch["attention_mask"].cumsum(1) - 1).clamp_min(0)).logits
    return logits.argmax(-1)


def test_every_proposal_accepted_is_the_students_greedy_decoding():
    student, teacher = model(1, 16), model(2, 32)
    batch, choice = generate(student, teacher, top_k=0, sample_temperature=0.0)
    ids, mask = prompts()
    with torch.no_grad():
        own = student.generate(input_ids=ids, attention_mask=mask, max_new_tokens=6, do_sample=False, pad_token_id=PAD, eos_token_id=EOS)
    assert torch.equal(batch["input_ids"], own)
    generated = int((batch["labels"] != -100).sum())
    assert choice.proposed == generated and choice.accepted == generated


def test_top_1_with_a_greedy_teacher_is_the_teachers_greedy_path():
    student, teacher = model(1, 16), model(2, 32)
    batch, choice = generate(student, teacher, top_k=1, teacher_temperature=0.0, sample_temperature=1.0)
    best = teacher_argmax(teacher, batch)
    labels = batch["labels"]
    valid = labels[:, 1:] != -100
    assert valid.sum() > 0
    # Position t's logits predict token t + 1: every generated token is the teacher's argmax there.
    assert torch.equal(batch["input_ids"][:, 1:][valid], best[:, :-1][valid])
    assert choice.proposed == int(valid.sum())
    assert 0 <= choice.accepted < choice.proposed  # a random student is not the teacher
