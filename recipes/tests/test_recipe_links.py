"""Hostile playground links through the recipe export, read back by the tools a recipe meets.

Links are generated here (seeded) with hostile text before '#': every kind of line break,
YAML document markers, tags, anchors and flow brackets, Python string closers, HTML and
Markdown, control and bidi characters. The part after '#' is a clean experiment. For each link
the TypeScript side (test/support/exportRecipes.ts) writes the recipe as export-recipe writes it,
the page's zip, and what the mapping produced; the issue's link and a few others also go
through the real command (npm run export-recipe). Then, whatever the link:

- every config.yaml is one YAML document that PyYAML's safe loader reads to exactly the keys and
  values the mapping produced, with the link itself as a plain string;
- every train.py compiles, to the same syntax tree as the same experiment's with a plain link;
- no README holds a tag (or a line) from the link.
"""

import ast
import json
import random
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ISSUE_LINK = "http://x/\nextra_key: injected\n#s1=kd&s2=ammd"
PIECES = [
    "\n", "\r", "\r\n", "\u2028", "\u2029", "\u0085", "\v", "\f", "\t", "\x00", "\x1b[2J", "\ufeff", "\u202e",
    "\U0001f4a5", "é", "extra_key: injected", "teacher: evil/model", "args: {learning_rate: 1000}",
    "---", "...", "%YAML 1.1", '!!python/object/apply:os.system ["id"]', "!!binary aGk=", "&a", "*a",
    "? ", "- item", "[", "]", "{", "}", ": ", '"', "'", "\\", '\\"', '"""', "'''",
    '"""; import os; os.system("id"); """', "'); import os #", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "<!--", "-->", '<iframe src="javascript:alert(1)">', "`", "```",
    "[x](javascript:alert(1))", "![x](http://e.example/x.png)", "<http://e.example>", "**b**", "_e_",
    "|", "> q", "%0A", "%", " ",
]
# Clean experiments after '#': one per kind of trainer, and races.
HASHES = [
    "#s1=kd&s2=ammd",
    "#task=reverse&lr=0.0005&s1=gkd&s1.lambda=0.5&s2=sft",
    "#s1=distillm&s2=xkd&s3=minillm",
    "#task=grammar&s1=seqkd&s2=tvd&s3=rkl&s4=kd&s4.temperature=2",
    "#task=reverse&s1=opd&s1.variant=dense&s2=taid&s3=skd&s4=distillm2",
    "#s1=abkd&s2=opd&s3=gkd&s3.lambda=1",
]
PLAIN = "http://localhost:4173/"
RAW_TAG = re.compile(r"<[A-Za-z!/?][^>]*>?")


def hostile_links(count, seed=20261203):
    rng = random.Random(seed)
    links = []
    for i in range(count):
        # A '#' would start the experiment: before it, a link can only hold one percent-encoded.
        pieces = [rng.choice(PIECES).replace("#", "%23") for _ in range(rng.randint(2, 9))]
        links.append(f"http://{rng.choice(['x', 'localhost:4173'])}/{rng.choice(['', chr(10), ' ']).join(pieces)}{HASHES[i % len(HASHES)]}")
    return links


LINKS = [ISSUE_LINK, *hostile_links(60)]
BASELINES = [PLAIN + h for h in HASHES]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("links")
    (root / "links.json").write_text(json.dumps([*LINKS, *BASELINES]))
    subprocess.run(["npx", "tsx", "test/support/exportRecipes.ts", str(root / "links.json"), str(root / "out")], cwd=REPO, check=True)
    manifest = json.loads((root / "out" / "manifest.json").read_text())
    return root, manifest


def expected_config(link, student, placeholders):
    return {
        "playground_link": link,
        "method": student["method"],
        "teacher": placeholders["teacher"],
        "student": placeholders["student"],
        "dataset": {"train": placeholders["dataset"], "eval": "../data/eval.jsonl", "prompt_field": "prompt", "completion_field": "completion"},
        "args": student["args"],
    }


def one_document(text):
    docs = list(yaml.safe_load_all(text))
    assert len(docs) == 1, f"{len(docs)} YAML documents"
    return docs[0]


def baseline_of(link):
    return BASELINES.index(PLAIN + link[link.index("#"):])


def recipe_files(root, manifest, i):
    """The recipe of link i as written to disk and as zipped, path → text, each."""
    folder = root / "out" / str(i)
    on_disk = {str(p.relative_to(folder)): p.read_bytes().decode("utf-8") for p in folder.rglob("*") if p.is_file()}
    with zipfile.ZipFile(root / "out" / f"{i}.zip") as z:
        zipped = {n.split("/", 1)[1]: z.read(n).decode("utf-8") for n in z.namelist()}
    return on_disk, zipped


def check_recipe(files, link, students, placeholders, plain):
    for s in students:
        cfg = one_document(files[f"{s['dir']}/config.yaml"])
        assert cfg == expected_config(link, s, placeholders)
        tree = ast.dump(ast.parse(files[f"{s['dir']}/train.py"]))
        assert tree == ast.dump(ast.parse(plain[f"{s['dir']}/train.py"]))
        compile(files[f"{s['dir']}/train.py"], "train.py", "exec")
    for path, text in files.items():
        if path.endswith(".md"):
            assert RAW_TAG.findall(text) == RAW_TAG.findall(plain[path]), path
            assert text.count("\n") == plain[path].count("\n"), path


def test_every_exported_file_reads_back_as_data(exported):
    root, manifest = exported
    recipes = manifest["recipes"]
    first_plain = len(LINKS)
    breaking = 0
    for i, link in enumerate(LINKS):
        entry = recipes[i]
        assert entry["link"] == link
        on_disk, zipped = recipe_files(root, manifest, i)
        plain, _ = recipe_files(root, manifest, first_plain + baseline_of(link))
        assert sorted(on_disk) == sorted(plain)
        for files in (on_disk, zipped):
            check_recipe(files, link, entry["students"], manifest["placeholders"], plain)
        breaking += bool(re.search("[\n\r\u2028\u2029\u0085<`\"]", link[: link.index("#")]))
    assert breaking > len(LINKS) // 2  # the generator makes what broke the old export


def test_the_command_writes_the_same_for_the_issue_link(exported, tmp_path):
    root, manifest = exported
    # The real command, on links a command line can carry (no NUL).
    for i, link in [(0, ISSUE_LINK)] + [(i, l) for i, l in enumerate(LINKS[1:], 1) if "\x00" not in l][:2]:
        out = tmp_path / f"cli-{i}"
        subprocess.run(["npx", "tsx", "src/cli/exportRecipe.ts", link, "--out", str(out)], cwd=REPO, check=True, capture_output=True)
        files = {str(p.relative_to(out)): p.read_bytes().decode("utf-8") for p in out.rglob("*") if p.is_file()}
        plain, _ = recipe_files(root, manifest, len(LINKS) + baseline_of(link))
        check_recipe(files, link, manifest["recipes"][i]["students"], manifest["placeholders"], plain)
    kd = one_document((tmp_path / "cli-0" / "student-1-kd" / "config.yaml").read_text())
    assert "extra_key" not in kd
    assert kd["teacher"] == manifest["placeholders"]["teacher"]
    assert kd["args"] == manifest["recipes"][0]["students"][0]["args"]
