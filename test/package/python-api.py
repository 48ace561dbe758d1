"""Reads the public API of a generated Python package without importing it (importing needs the jsii runtime
from PyPI, which this machine cannot reach): parses its __init__.py with ast and prints JSON:
{"classes": {name: {"bases": [...], "init": {"positional": [...], "keyword": [...]}, "properties": [...]}},
 "enums": {name: [member, ...]}}. Usage: python3 python-api.py PACKAGE_DIR
"""
import ast
import json
import sys


def names_of(node):
    return [ast.unparse(base) for base in node.bases]


def describe_class(node):
    info = {"bases": names_of(node), "init": None, "properties": []}
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            decorators = [ast.unparse(d) for d in item.decorator_list]
            if item.name == "__init__":
                info["init"] = {
                    "positional": [a.arg for a in item.args.args[1:]],
                    "keyword": [a.arg for a in item.args.kwonlyargs],
                }
            elif "builtins.property" in decorators:
                info["properties"].append(item.name)
    return info


def main(package_dir):
    with open(f"{package_dir}/__init__.py", encoding="utf-8") as source:
        tree = ast.parse(source.read())
    classes, enums = {}, {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
            continue
        if "enum.Enum" in names_of(node):
            enums[node.name] = [
                target.id
                for item in node.body if isinstance(item, ast.Assign)
                for target in item.targets if isinstance(target, ast.Name)
            ]
        else:
            classes[node.name] = describe_class(node)
    json.dump({"classes": classes, "enums": enums}, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
