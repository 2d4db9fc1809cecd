"""Every exported recipe really trains, with nothing but its own folder and the pinned packages:
tiny random GPT-2 teacher and student built from configs (no Hub access), the playground's task
examples as the dataset, 2 steps of each recipe's own train.py on the CPU; the logged loss must be
finite and the student's weights must change.

The recipes are exported by the TypeScript command (npm run export-recipe): once as the page's zip
(--zip) for every method, unpacked into a temporary folder, and twice as folders from playground
links with non-default settings that pick the other trainer variants (KD at a temperature, GKD with
TVD, skew reverse KL, X-KD's divergence variant; dense on-policy distillation and GKD at lambda 1 on
TRL's DistillationTrainer, SKD accepting every proposal, TAID's linear schedule, ABKD at a limit).
Each train.py runs in an isolated interpreter (python -I: no PYTHONPATH, no repository on sys.path),
so alembic_trl can only come from the recipe's own alembic_trl/ folder, and the venv is checked not
to have it.
"""

import json
import math
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

RECIPES = Path(__file__).resolve().parents[1]
REPO = RECIPES.parent
METHODS = ["sft", "seqkd", "kd", "rkl", "tvd", "gkd", "distillm", "minillm", "ammd", "xkd", "opd", "taid", "distillm2", "skd", "abkd"]
LINKS = {
    "link": (
        "http://localhost:4173/#task=reverse&batchSize=4&evalEvery=1&lr=0.01"
        "&s1=kd&s1.temperature=2&s2=gkd&s2.divergence=tvd&s2.lambda=1&s2.offPolicyData=teacher"
        "&s3=distillm&s3.divergence=srkl&s3.bufferCapacity=32&s4=xkd&s4.base=divergence&s4.divergence=jsd"
    ),
    "link2025": (
        "http://localhost:4173/#task=reverse&batchSize=4&evalEvery=1"
        "&s1=opd&s1.variant=dense&s2=gkd&s2.lambda=1&s2.divergence=jsd&s2.beta=0.5"
        "&s3=skd&s3.topK=44&s3.divergence=rkl&s3.sampleTemperature=0&s4=taid&s4.adaptive=false&s4.tStart=0.2"
    ),
}
LINK_IDS = {
    "link": ["kd-temperature", "gkd-tvd", "distillm-srkl", "xkd-divergence"],
    "link2025": ["opd-dense-distillation-trainer", "gkd-distillation-trainer", "skd-every-proposal", "taid-linear"],
}
STEPS = 2
# Wall-clock seconds of each recipe's run, printed at the end (two run at a time).
SECONDS: dict[str, float] = {}
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
    # The page's download: one zip, unpacked where nothing of the repository is.
    zip_path = root / "alembic-recipe.zip"
    subprocess.run([*export, "--method", ",".join(METHODS), "--set", "batchSize=4", "--set", "evalEvery=1", "--zip", str(zip_path)], cwd=REPO, check=True)
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(root / "unzipped")
    (root / "all").symlink_to(root / "unzipped" / "alembic-recipe")
    for name, link in LINKS.items():
        subprocess.run([*export, link, "--out", str(root / name)], cwd=REPO, check=True)
    return root


def folders(root: Path):
    return sorted((p for p in root.iterdir() if (p / "train.py").exists()), key=lambda p: int(p.name.split("-")[1]))


def run_recipe(workspace: Path, recipe: Path, config: str = "config.yaml") -> dict:
    out = workspace / "out" / f"{recipe.parent.name}-{recipe.name}-{Path(config).stem}"
    shutil.rmtree(out, ignore_errors=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
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
        "-I",  # isolated: no PYTHONPATH, no user site, not even the script's folder on sys.path
        "train.py",
        "--config", config,
        "--teacher", str(workspace / "teacher"),
        "--student", str(workspace / "student"),
        "--dataset", "../data/train.jsonl",
        "--max-steps", str(STEPS),
        "--output-dir", str(out),
    ]
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=recipe, env=env, capture_output=True, text=True, timeout=600)
    SECONDS[f"{recipe.parent.name}/{recipe.name} {config}"] = time.monotonic() - started
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
    return state


def logged(state: dict, key: str) -> list:
    """`key` at each step's log (those with the step's loss; the final summary is left out)."""
    return [h[key] for h in state["log_history"] if key in h and "loss" in h]
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
    for name, ids in LINK_IDS.items():
        jobs.update({f"{name}:{k}": (folders(workspace / name)[i], "config.yaml") for i, k in enumerate(ids)})
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


def test_the_zip_is_all_a_recipe_needs(workspace):
    """The unpacked zip holds alembic_trl and pins only what the venv has; the venv itself has no
    alembic_trl, so the recipes below can only have trained with the zip's copy."""
    root = workspace / "all"
    assert sorted(p.name for p in (root / "alembic_trl").glob("*.py")) == sorted(p.name for p in (RECIPES / "alembic_trl").glob("*.py"))
    probe = subprocess.run(
        [sys.executable, "-I", "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('alembic_trl') is not None)"],
        cwd=workspace,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
    )
    assert probe.returncode == 0, "alembic_trl is importable without a recipe: the run test would prove nothing"
    # `pip install -r requirements.txt` has nothing left to install (no index consulted).
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-index", "--dry-run", "--disable-pip-version-check", "-r", "requirements.txt"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert "Would install" not in pip.stdout, pip.stdout
    assert "checkout" not in (root / "README.md").read_text()


@pytest.mark.parametrize("method", METHODS)
def test_every_method_recipe_trains(workspace, results, method):
    state = check_trained(workspace, outcome(results, f"all:{method}"), method)
    if method == "taid":  # t starts at t_start (0.4) and never falls below the linear schedule
        t = logged(state, "taid_t")
        assert t and all(0.4 <= x <= 1 for x in t) and t == sorted(t), t
    if method == "skd":
        rates = logged(state, "skd_acceptance")
        assert rates and all(0 <= r <= 1 for r in rates), rates


@pytest.mark.parametrize("name,variant", [(n, v) for n, ids in LINK_IDS.items() for v in ids])
def test_link_recipes_train(workspace, results, name, variant):
    state = check_trained(workspace, outcome(results, f"{name}:{variant}"), variant)
    if variant == "skd-every-proposal":  # K = 44 covers the playground's vocabulary: top_k 0, all accepted
        assert logged(state, "skd_acceptance") and all(r == 1 for r in logged(state, "skd_acceptance"))
    if variant == "taid-linear":
        # t_start 0.2, linear over the planned steps (max_steps, 2 here); the first update only
        # records the loss, the second (step index 1) sets t = 0.2 + 0.8 * 1 / 2.
        assert logged(state, "taid_t") == pytest.approx([0.2, 0.2 + 0.8 * 1 / 2], abs=1e-12)


@pytest.mark.parametrize("critic", list(AMMD_CRITICS))
def test_ammd_critic_variants_train(workspace, results, critic):
    check_trained(workspace, outcome(results, f"ammd:{critic}"), f"ammd critic={critic}")


def teardown_module(module):
    print(f"\nrecipe runs: {len(SECONDS)}, {sum(SECONDS.values()):.0f} s in all (two at a time)")
    for key, seconds in sorted(SECONDS.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds:6.1f} s  {key}")
