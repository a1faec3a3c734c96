# Writes the screen recipes: the main job's recipe with one change each (see screens.md).
import json, re, copy, pathlib
src = pathlib.Path(__file__).resolve().parents[2] / "recipes" / "hinton-784-1000-500-250-30.json"
base = json.loads(re.sub(r"^\s*//.*$", "", src.read_text(), flags=re.M))
def variant(name, change):
    r = copy.deepcopy(base); change(r); r["name"] = name
    (pathlib.Path(__file__).parent / "recipes" / f"{name}.json").write_text(json.dumps(r, indent=2) + "\n")
variant("bce", lambda r: r["objective"]["reconstruction"].update(kind="bce"))
variant("adamw-wd", lambda r: r["training"]["optimizer"].update(kind="adam_w", weightDecay=0.05))
variant("batchnorm", lambda r: r["model"].update(batchNorm=True))
variant("dropout", lambda r: r["model"].update(dropout=0.1))
variant("bce-adamw", lambda r: (r["objective"]["reconstruction"].update(kind="bce"), r["training"]["optimizer"].update(kind="adam_w", weightDecay=0.05)))
variant("leaky-relu", lambda r: r["model"].update(activation="leaky_relu"))
variant("elu", lambda r: r["model"].update(activation="elu"))
