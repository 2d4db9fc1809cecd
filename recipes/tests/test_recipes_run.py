"""Every exported recipe really trains: tiny random GPT-2 teacher and student built from configs
(no Hub access), the playground's task examples as the dataset, 2 steps of each recipe's own
train.py on the CPU; the logged loss must be finite and the student's weights must change.

The recipes are exported by the TypeScript command (npm run export-recipe), once from
--method for all ten methods and once from a playground link with non-default settings that
pick the other trainer variants (KD at a temperature, GKD with TVD, skew reverse KL, AMMD's
policy gradient and oracle critic, X-KD's divergence variant).
"""

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

RECIPES = Path(__file__).resolve().parents[1]
REPO = RECIPES.parent
METHODS = ["sft", "seqkd", "kd", "rkl", "tvd", "gkd", "distillm", "minillm", "ammd", "xkd"]
LINK = (
    "http://localhost:4173/#task=reverse&batchSize=4&evalEvery=1&lr=0.01"
    "&s1=kd&s1.temperature=2&s2=gkd&s2.divergence=tvd&s2.lambda=1&s2.offPolicyData=teacher"
    "&s3=distillm&s3.divergence=srkl&s3.bufferCapacity=32&s4=xkd&s4.base=divergence&s4.divergence=jsd"
)
STEPS = 2
CHARS = "0123456789+=abcdefghijklmnopqrstuvwxyz >."


def tiny_tokenizer():
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(["<pad>", "<bos>", "<eos>", *CHARS])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<pad>"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    tok.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<bos>", eos_token="<eos>")


def tiny_model(path: Path, width: int, layers: int, tokenizer, seed: int):
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=128,
        n_embd=width,
        n_layer=layers,
        n_head=2,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    GPT2LMHeadModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("recipes")
    tokenizer = tiny_tokenizer()
    tiny_model(root / "teacher", 32, 2, tokenizer, seed=1)
    tiny_model(root / "student", 16, 1, tokenizer, seed=2)
    export = ["npx", "tsx", "src/cli/exportRecipe.ts"]
    subprocess.run([*export, "--method", ",".join(METHODS), "--set", "batchSize=4", "--set", "evalEvery=1", "--out", str(root / "all")], cwd=REPO, check=True)
    subprocess.run([*export, LINK, "--out", str(root / "link")], cwd=REPO, check=True)
    return root


def folders(root: Path):
    return sorted((p for p in root.iterdir() if (p / "train.py").exists()), key=lambda p: int(p.name.split("-")[1]))


def run_recipe(workspace: Path, recipe: Path, config: str = "config.yaml") -> dict:
    out = workspace / "out" / f"{recipe.parent.name}-{recipe.name}-{Path(config).stem}"
    shutil.rmtree(out, ignore_errors=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(RECIPES),
        "CUDA_VISIBLE_DEVICES": "",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TRL_EXPERIMENTAL_SILENCE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "OMP_NUM_THREADS": "1",
    }
    cmd = [
        sys.executable,
        "train.py",
        "--config", config,
        "--teacher", str(workspace / "teacher"),
        "--student", str(workspace / "student"),
        "--dataset", "../data/train.jsonl",
        "--max-steps", str(STEPS),
        "--output-dir", str(out),
    ]
    done = subprocess.run(cmd, cwd=recipe, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{recipe.name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    state = json.loads((out / "trainer_state.json").read_text())
    return {"out": out, "state": state}


def check_trained(workspace: Path, result: dict, name: str):
    state = result["state"]
    assert state["global_step"] == STEPS, f"{name}: ran {state['global_step']} steps"
    losses = [h["loss"] for h in state["log_history"] if "loss" in h]
    assert losses, f"{name}: no loss was logged"
    assert all(math.isfinite(x) for x in losses), f"{name}: loss {losses}"
    before = load_file(str(workspace / "student" / "model.safetensors"))
    after = load_file(str(result["out"] / "model.safetensors"))
    changed = [k for k in before if k in after and not torch.equal(before[k], after[k])]
    assert changed, f"{name}: no student weight changed"
    assert "transformer.wte.weight" in changed or "lm_head.weight" in changed or len(changed) > 3


LINK_IDS = ["kd-temperature", "gkd-tvd", "distillm-srkl", "xkd-divergence"]
AMMD_CRITICS = {
    "oracle": {"critic": "oracle"},
    "penalised": {"critic": "penalised"},
    "teacher-features": {"critic_features": "teacher", "critic_warmup": 2},
    "both-features": {"critic_features": "both"},
    "probs-features": {"critic_features": "probs"},
}


def ammd_variant(recipe: Path, critic: str) -> str:
    """config.yaml with another critic (the oracle f = R sign(p - q), the penalised optimum, heads
    on the teacher's or both models' hidden states) and the policy-gradient term on."""
    import yaml

    cfg = yaml.safe_load((recipe / "config.yaml").read_text())
    cfg["args"].update(policy_gradient=True, **AMMD_CRITICS[critic])
    name = f"config-{critic}.yaml"
    (recipe / name).write_text(yaml.safe_dump(cfg))
    return name


@pytest.fixture(scope="module")
def results(workspace):
    """Every recipe run once, two at a time (the machine has two cores): key -> result or error."""
    from concurrent.futures import ThreadPoolExecutor

    everything = folders(workspace / "all")
    assert [p.name.split("-", 2)[2] for p in everything] == METHODS
    jobs = {f"all:{m}": (everything[i], "config.yaml") for i, m in enumerate(METHODS)}
    jobs.update({f"link:{k}": (folders(workspace / "link")[i], "config.yaml") for i, k in enumerate(LINK_IDS)})
    ammd = everything[METHODS.index("ammd")]
    jobs.update({f"ammd:{c}": (ammd, ammd_variant(ammd, c)) for c in AMMD_CRITICS})

    def attempt(recipe, config):
        try:
            return run_recipe(workspace, recipe, config)
        except AssertionError as e:  # reported by the test that owns the job
            return e

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(attempt, *job) for key, job in jobs.items()}
        return {key: f.result() for key, f in futures.items()}


def outcome(results, key):
    r = results[key]
    if isinstance(r, AssertionError):
        raise r
    return r


@pytest.mark.parametrize("method", METHODS)
def test_every_method_recipe_trains(workspace, results, method):
    check_trained(workspace, outcome(results, f"all:{method}"), method)


@pytest.mark.parametrize("variant", LINK_IDS)
def test_link_recipes_train(workspace, results, variant):
    check_trained(workspace, outcome(results, f"link:{variant}"), variant)


@pytest.mark.parametrize("critic", list(AMMD_CRITICS))
def test_ammd_critic_variants_train(workspace, results, critic):
    check_trained(workspace, outcome(results, f"ammd:{critic}"), f"ammd critic={critic}")
