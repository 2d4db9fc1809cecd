// The train.py of one recipe folder: loads config.yaml, the models and the dataset, builds the
// trainer the mapping chose and trains. Command-line flags override the placeholders, so the
// same script runs the user's models and the test's tiny ones.
import type { TrainerChoice } from './mapping';
import { pyDocstringText, pyName } from './pythonText';

const header = (withSys: boolean) => `import argparse
${withSys ? 'import sys\n' : ''}from pathlib import Path

import yaml
from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer
`;

const COMMON = `

def load(source, field_names):
    """A local .jsonl file (relative to this folder) or a Hub dataset id, as prompt/completion."""
    local = HERE / source
    if source.endswith((".jsonl", ".json")):
        ds = load_dataset("json", data_files=str(local if local.exists() else source), split="train")
    else:
        ds = load_dataset(source, split="train")
    prompt, completion = field_names
    if prompt != "prompt":
        ds = ds.rename_column(prompt, "prompt")
    if completion != "completion":
        ds = ds.rename_column(completion, "completion")
    return ds.select_columns(["prompt", "completion"])


def resolve(value, flag):
    if value is None or str(value).startswith("<"):
        raise SystemExit(f"Set {flag} (or its entry in config.yaml): it is still a placeholder.")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default=str(HERE / "config.yaml"))
    parser.add_argument("--teacher", help="teacher model id or path")
    parser.add_argument("--student", help="student model id or path (ideally fine-tuned on the task first)")
    parser.add_argument("--dataset", help="train dataset id or .jsonl path")
    parser.add_argument("--eval-dataset", help="eval dataset id or .jsonl path")
    parser.add_argument("--max-steps", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--output-dir")
    cli = parser.parse_args()
    cfg = yaml.safe_load(Path(cli.config).read_text())
    args = dict(cfg["args"])
    if cli.max_steps is not None:
        args["max_steps"] = cli.max_steps
    if cli.batch_size is not None:
        args["per_device_train_batch_size"] = cli.batch_size
    if cli.output_dir is not None:
        args["output_dir"] = cli.output_dir
    fields = (cfg["dataset"].get("prompt_field", "prompt"), cfg["dataset"].get("completion_field", "completion"))
    student_id = resolve(cli.student or cfg["student"], "--student")
    tokenizer = AutoTokenizer.from_pretrained(student_id)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    student = AutoModelForCausalLM.from_pretrained(student_id)
    train = load(resolve(cli.dataset or cfg["dataset"]["train"], "--dataset"), fields)
    eval_source = cli.eval_dataset or cfg["dataset"].get("eval")
    evaluation = load(eval_source, fields) if eval_source and not str(eval_source).startswith("<") else None
`;

function teacherLoad(choice: TrainerChoice): string {
  return choice.teacher ? `    teacher = AutoModelForCausalLM.from_pretrained(resolve(cli.teacher or cfg["teacher"], "--teacher"))\n` : '';
}

function build(choice: TrainerChoice): string {
  const cls = `${pyName(choice.config)}(**args)`;
  switch (choice.data) {
    case 'messages':
      return `    # TRL's GKD collator reads chat messages; a model without a chat template gets a plain one
    # (prompt then answer, as the playground's tasks are written).
    # The plain template has no end-of-turn token, so the answer ends with EOS itself.
    end = ""
    if tokenizer.chat_template is None:
        tokenizer.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
        end = tokenizer.eos_token

    def to_messages(ds):
        turns = lambda ex: {"messages": [{"role": "user", "content": ex["prompt"]}, {"role": "assistant", "content": ex["completion"] + end}]}
        return ds.map(turns, remove_columns=["prompt", "completion"])

    if evaluation is None:
        args.pop("eval_strategy", None)
    trainer = ${pyName(choice.trainer)}(
        model=student,
        teacher_model=teacher,
        args=${cls},
        train_dataset=to_messages(train),
        eval_dataset=to_messages(evaluation) if evaluation is not None else None,
        processing_class=tokenizer,
    )
`;
    case 'teacher-samples':
      return `    # SeqKD: the teacher's own continuations replace the reference answers.
    tau = args.pop("teacher_sample_temperature")
    train = teacher_samples(teacher, tokenizer, train, tau, args.pop("max_new_tokens", 64))
    trainer = ${pyName(choice.trainer)}(model=student, args=${cls}, train_dataset=train, processing_class=tokenizer)
`;
    case 'prompts':
      return `    # DistillationTrainer samples every completion from the student itself: it reads the prompts alone.
    trainer = ${pyName(choice.trainer)}(
        model=student,
        teacher_model=teacher,
        args=${cls},
        train_dataset=train.select_columns(["prompt"]),
        processing_class=tokenizer,
    )
`;
    default:
      return choice.teacher
        ? `    if evaluation is None:
        args.pop("eval_strategy", None)
        args.pop("eval_steps", None)
    trainer = ${pyName(choice.trainer)}(
        model=student,
        teacher_model=teacher,
        args=${cls},
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=tokenizer,
    )
`
        : `    trainer = ${pyName(choice.trainer)}(model=student, args=${cls}, train_dataset=train, eval_dataset=evaluation, processing_class=tokenizer)
`;
  }
}

const TEACHER_SAMPLES = `

def teacher_samples(teacher, tokenizer, ds, temperature, max_new_tokens, batch=16):
    """One teacher continuation per prompt (sampled at the given temperature), as completions."""
    import torch

    teacher.eval()
    side, tokenizer.padding_side = tokenizer.padding_side, "left"
    completions = []
    for start in range(0, len(ds), batch):
        prompts = ds[start : start + batch]["prompt"]
        enc = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.no_grad():
            out = teacher.generate(**enc, do_sample=True, temperature=temperature, top_k=0, top_p=1.0, max_new_tokens=max_new_tokens, pad_token_id=tokenizer.pad_token_id)
        completions += tokenizer.batch_decode(out[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
    tokenizer.padding_side = side
    return ds.remove_columns("completion").add_column("completion", completions)
`;

/** The whole train.py for a trainer choice; `title` becomes its docstring's first line (as text). */
export function trainScript(choice: TrainerChoice, title: string): string {
  const trainer = `from ${pyName(choice.module, true)} import ${pyName(choice.config)}, ${pyName(choice.trainer)}`;
  return [
    `"""${pyDocstringText(title)}\n\nRun: python train.py (settings in config.yaml; flags override them), or with accelerate,\nsee README.md. Placeholders in config.yaml must be replaced (or overridden with flags).\n"""\n\n`,
    header(!choice.trl),
    choice.trl
      ? `${trainer}\n\nHERE = Path(__file__).resolve().parent\n`
      : `\nHERE = Path(__file__).resolve().parent\n# alembic_trl travels with the recipe, in the folder above this one: import that copy.\nsys.path.insert(0, str(HERE.parent))\n${trainer}  # noqa: E402\n`,
    choice.data === 'teacher-samples' ? TEACHER_SAMPLES : '',
    COMMON,
    teacherLoad(choice),
    build(choice),
    `    trainer.train()
    trainer.save_model()
    # The logged losses, for a look afterwards (the Trainer writes them only with checkpoints).
    trainer.state.save_to_json(str(Path(trainer.args.output_dir) / "trainer_state.json"))


if __name__ == "__main__":
    main()
`,
  ].join('');
}
