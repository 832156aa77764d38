"""Shared setup of the Tribes notebooks: starts Spark's JVM in this Python process (JPype) with the
project's jars, builds a local SparkSession and hands small results of io.tribes.notebook.Explore
to pandas.

    import tribes_nb as tnb
    ex = tnb.explore(WAREHOUSE)          # starts the JVM once per kernel
    communities = tnb.frame(ex.communities(ex.latestRunDate()))

The classpath is the project's own lib jar (lib/target/tribes-lib-*.jar, built by bin/tribes or
`mvn package`) plus Maven's dependency list that bin/tribes writes to .tribes/classpath.txt.
Environment:
  TRIBES_WAREHOUSE          default warehouse of the notebooks' parameter cell
  TRIBES_NB_SPARK_CONF      extra Spark settings, "key=value" separated by newlines or ";"
  TRIBES_NB_DRIVER_MEMORY   JVM heap (default 2g)
"""
import glob
import json
import os
import re

import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_explore = {}
_spark = None


def _classpath():
    libs = [j for j in glob.glob(os.path.join(ROOT, "lib", "target", "tribes-lib-*.jar"))
            if not j.endswith(("-tests.jar", "-sources.jar", "-javadoc.jar"))]
    cp_file = os.path.join(ROOT, ".tribes", "classpath.txt")
    if not libs or not os.path.exists(cp_file):
        raise RuntimeError("the project is not built: run `bin/tribes --help` (or notebooks/open.sh) first "
                           "to build lib/target/tribes-lib-*.jar and .tribes/classpath.txt")
    with open(cp_file) as f:
        deps = [p for p in f.read().strip().split(os.pathsep) if p]
    # io.tribes jars from ~/.m2 may be another checkout's: this checkout's lib jar only.
    deps = [p for p in deps if "/io/tribes/" not in p.replace(os.sep, "/")]
    jpype_jar = "/usr/share/java/org.jpype.jar"  # Debian's JPype needs its own support jar
    return libs[:1] + deps + ([jpype_jar] if os.path.exists(jpype_jar) else [])


def _jvm_options():
    with open(os.path.join(ROOT, "pom.xml")) as f:
        m = re.search(r"<spark.java17.opens>(.*?)</spark.java17.opens>", f.read(), re.S)
    opens = m.group(1).split() if m else []
    log = os.path.join(ROOT, "notebooks", "log4j2.properties")
    return ["-Xmx" + os.environ.get("TRIBES_NB_DRIVER_MEMORY", "2g"), "-Dlog4j2.configurationFile=" + log] + opens


def _spark_conf(warehouse):
    conf = {}
    if warehouse.startswith("s3a://"):
        # the full AWS provider chain: environment, profiles (~/.aws), SSO, container and instance roles
        conf["spark.hadoop.fs.s3a.aws.credentials.provider"] = \
            "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider"
    for item in re.split(r"[;\n]", os.environ.get("TRIBES_NB_SPARK_CONF", "")):
        if "=" in item:
            k, v = item.split("=", 1)
            conf[k.strip()] = v.strip()
    return conf


def spark(warehouse=""):
    """The kernel's SparkSession (the JVM starts once per process; later calls reuse it)."""
    global _spark
    import jpype
    import jpype.imports  # noqa: F401  (Java packages importable after startJVM)
    if not jpype.isJVMStarted():
        jpype.startJVM(*_jvm_options(), classpath=_classpath(), convertStrings=False)
    if _spark is None:
        # Python's own `io` module shadows the Java package io.tribes: JClass, not `import`
        Explore = jpype.JClass("io.tribes.notebook.Explore")
        extra = jpype.JClass("java.util.HashMap")()
        for k, v in _spark_conf(warehouse).items():
            extra.put(k, v)
        _spark = Explore.localSession(extra)
    return _spark


def resolve(warehouse):
    """Local paths relative to the notebook's directory become absolute; URIs (s3a://...) stay."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", warehouse):
        return warehouse
    return os.path.abspath(warehouse)


def explore(warehouse):
    """io.tribes.notebook.Explore over the warehouse (see its Javadoc for every method)."""
    warehouse = resolve(warehouse)
    if warehouse not in _explore:
        session = spark(warehouse)
        import jpype
        _explore[warehouse] = jpype.JClass("io.tribes.notebook.Explore")(session, warehouse)
    return _explore[warehouse]


def frame(json_rows):
    """A JSON array of rows (what Explore returns) as a DataFrame."""
    rows = json.loads(str(json_rows))
    return pd.DataFrame(rows)


def obj(json_text):
    """A JSON object (a manifest, one row) as a dict (None for null)."""
    return json.loads(str(json_text))


def strings(java_list):
    return [str(s) for s in java_list]
