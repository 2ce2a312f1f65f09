# A YAML reader with libyaml's semantics (the C library behind go-yaml's design and PyYAML's CLoader), used by
# the k8s patch tests as an independent oracle: reads a JSON list of texts on stdin and prints, for each, the
# documents it holds (or the error). Values that JSON cannot hold are tagged so that they still compare.
import base64, datetime, json, math, sys
import yaml

if not yaml.__with_libyaml__:
    sys.exit("python3-yaml was built without libyaml")

def plain(v):
    if isinstance(v, dict):
        return {key(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else {"!float": repr(v)}
    if isinstance(v, bytes):
        return {"!binary": base64.b64encode(v).decode()}
    if isinstance(v, (datetime.date, datetime.datetime)):
        return {"!timestamp": v.isoformat()}
    if isinstance(v, set):
        return {"!set": sorted(repr(x) for x in v)}
    return {"!other": repr(v)}

def key(k):
    return k if isinstance(k, str) else "!key:" + json.dumps(plain(k), sort_keys=True)

out = []
for text in json.load(sys.stdin):
    try:
        out.append({"ok": True, "docs": [plain(d) for d in yaml.load_all(text, Loader=yaml.CSafeLoader)]})
    except yaml.YAMLError as e:
        out.append({"ok": False, "error": str(e).splitlines()[0]})
json.dump(out, sys.stdout)
