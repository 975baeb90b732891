"""Search benchmark: the app against raw Whoosh on one synthetic multilingual corpus.

    .venv/bin/python bench/search.py                 # 10,000 practices, 200 queries
    .venv/bin/python bench/search.py --size 2000     # a quicker run

Prints, in one run on the same index:
- full reindex through the app (flask search reindex's code) vs raw Whoosh bulk indexing
  of the same documents, and their ratio (goal <= 1.3);
- search page latency p50/p95 through the Flask test client vs raw searcher.search of the
  same queries (words, pairs, phrases, facet filters; with facet counts and highlights),
  and the p95 ratio (goal <= 1.5);
- commit-to-searchable latency for one edited practice (goal < 1 s);
- peak memory (RSS) of this process.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402
from whoosh import query as wq  # noqa: E402
from whoosh.sorting import FieldFacet  # noqa: E402

from kmportal import create_app  # noqa: E402
from kmportal.auth import service as accounts  # noqa: E402
from kmportal.auth.models import Role  # noqa: E402
from kmportal.extensions import db  # noqa: E402
from kmportal.practices import service as practices  # noqa: E402
from kmportal.practices.data import snapshot  # noqa: E402
from kmportal.practices.enums import Criterion, Sector, StrategicOutcome  # noqa: E402
from kmportal.practices.models import CriterionAssessment, Practice, PracticeFacet  # noqa: E402
from kmportal.reference import loaders  # noqa: E402
from kmportal.search import documents, service  # noqa: E402
from kmportal.search.schema import FACETS, TEXT_PARTS, build_schema, fold, text_field  # noqa: E402

VOCABULARY = {
    "es": (
        "educación niños niñas trabajo infantil escuela familias comunidad agricultura minería "
        "pesca protección adolescentes prevención erradicación programa política gobierno "
        "empleadores trabajadores sindicatos inspección laboral capacitación formación salud "
        "seguridad cosecha café cacao caña azúcar banano flores ladrilleras calle doméstico "
        "hogar rural urbano municipio región ley registro monitoreo evaluación resultados beca "
        "transferencia condicionada ingresos pobreza migración indígenas género violencia "
        "explotación peligroso riesgo edad jornada verano deporte cultura tecnología maestros "
        "docentes aprendizaje alfabetización deserción asistencia matrícula comedor nutrición "
        "transporte mujeres madres cooperativa productores certificación cadena empresa diálogo "
        "acuerdo red alianza campaña sensibilización radio encuesta estadística mapa montaña"
    ),
    "pt": (
        "educação crianças trabalho infantil escola famílias comunidade agricultura mineração "
        "pesca proteção adolescentes prevenção erradicação programa política governo "
        "empregadores trabalhadores sindicatos fiscalização capacitação formação saúde "
        "segurança colheita café cacau cana açúcar laranja carvão rua doméstico lar rural "
        "urbano município região lei cadastro monitoramento avaliação resultados bolsa "
        "transferência renda pobreza migração indígenas gênero violência exploração perigoso "
        "risco idade jornada esporte cultura tecnologia professores aprendizagem "
        "alfabetização evasão frequência merenda transporte mulheres mães cooperativa "
        "produtores certificação cadeia empresa diálogo acordo rede aliança campanha "
        "conscientização rádio pesquisa estatística mapa sertão assistência social"
    ),
    "en": (
        "education children child labour school families community agriculture mining "
        "fishing protection adolescents prevention elimination programme policy government "
        "employers workers unions inspection training health safety harvest coffee cocoa "
        "sugar banana tourism street domestic household rural urban district region law "
        "registry monitoring evaluation results scholarship cash transfer income poverty "
        "migration indigenous gender violence exploitation hazardous risk age hours sport "
        "culture technology teachers learning literacy dropout attendance enrolment meals "
        "nutrition transport women mothers cooperative producers certification supply chain "
        "company dialogue agreement network alliance campaign awareness radio survey"
    ),
    "fr": (
        "éducation enfants travail école familles communauté agriculture mines pêche "
        "protection adolescents prévention élimination programme politique gouvernement "
        "employeurs travailleurs syndicats inspection formation santé sécurité récolte café "
        "cacao canne sucre mangue charbon rue domesticité ménage rural urbain commune région "
        "loi registre suivi évaluation résultats bourse transfert revenu pauvreté migration "
        "genre violence exploitation dangereux risque âge horaires sport culture technologie "
        "enseignants apprentissage alphabétisation décrochage fréquentation inscription "
        "cantine nutrition transport femmes mères coopérative producteurs certification "
        "filière entreprise dialogue accord réseau alliance campagne sensibilisation radio"
    ),
}
FUNCTION_WORDS = {
    "es": "de la el en y los las para con por del que una un se su al como más sin",
    "pt": "de a o em e os as para com por do da que uma um se sua ao como mais sem",
    "en": "the of and in to for with by on a an is are that as from at their this",
    "fr": "de la le les et en des pour avec par du que une un se sa au comme plus sans",
}
LANGUAGE_COUNTRIES = {
    "pt": ["BR"],
    "fr": ["HT"],
    "en": ["JM", "TT", "BB", "GY", "BZ", "LC", "BS", "AG"],
    "es": [
        "AR",
        "BO",
        "CL",
        "CO",
        "CR",
        "DO",
        "EC",
        "SV",
        "GT",
        "HN",
        "MX",
        "NI",
        "PA",
        "PY",
        "PE",
        "UY",
        "VE",
    ],
}
LANGUAGE_SHARE = (("es", 0.5), ("pt", 0.2), ("en", 0.15), ("fr", 0.15))
STATES = (
    ("published", 0.8),
    ("draft", 0.08),
    ("submitted", 0.05),
    ("returned", 0.04),
    ("archived", 0.03),
)


def pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class TextMaker:
    """Zipf-distributed words of one language, with its function words between them."""

    def __init__(self, lang: str, rng: random.Random):
        self.words = VOCABULARY[lang].split()
        self.weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.words))]
        self.function = FUNCTION_WORDS[lang].split()
        self.rng = rng

    def text(self, length: int) -> str:
        out = []
        for i in range(length):
            if i % 3 == 1:
                out.append(self.rng.choice(self.function))
            else:
                out.append(self.rng.choices(self.words, self.weights)[0])
        return " ".join(out).capitalize() + "."


# Words per field: title ~10, summary ~60, body ~400 (description plus the shorter fields).
LENGTHS = {"title": 10, "summary": 60, "description": 400, "institution": 4, "population": 6,
           "results": 20, "replication": 15}  # fmt: skip
FIXED = {"cost_notes": "", "contact": "", "sdg_87": True, "is_demo": False}


def build_corpus(size: int, seed: int = 2015) -> None:
    """Insert `size` practices with facets and scores straight into the database."""
    rng = random.Random(seed)
    makers = {lang: TextMaker(lang, rng) for lang in VOCABULARY}
    now = datetime(2016, 9, 30)
    practice_rows, facet_rows, score_rows = [], [], []
    for number in range(1, size + 1):
        lang, state = pick(rng, LANGUAGE_SHARE), pick(rng, STATES)
        validated = state in ("published", "archived")
        start = rng.randint(1998, 2016)
        practice_rows.append({
            **FIXED, **{field: makers[lang].text(n) for field, n in LENGTHS.items()},
            "id": number, "country_code": rng.choice(LANGUAGE_COUNTRIES[lang]),
            "theme": rng.choice(["peti", "ptap", "both"]), "language": lang, "state": state,
            "period_start": start, "period_end": start + rng.randint(0, 4),
            "created_at": now - timedelta(days=number), "updated_at": now,
            "published_at": now - timedelta(hours=number) if validated else None,
        })  # fmt: skip
        facets = [("sector", v) for v in rng.sample(Sector.values(), rng.randint(1, 2))]
        facets += [("outcome", v) for v in rng.sample(StrategicOutcome.values(), 2)]
        facets += [("actor", "government"), ("language", lang)]
        facet_rows += [
            {"practice_id": number, "facet": f, "value": v, "position": i}
            for i, (f, v) in enumerate(facets)
        ]
        scores = [2, 3] if rng.random() < 0.6 else [1, 2]  # 60% "good practice" labels
        score_rows += [
            {"practice_id": number, "criterion": criterion.value, "argument": "Zeta.",
             "score": rng.choice(scores) if validated else None}
            for criterion in Criterion
        ]  # fmt: skip
    db.session.execute(sa.insert(Practice.__table__), practice_rows)
    db.session.execute(sa.insert(PracticeFacet.__table__), facet_rows)
    db.session.execute(sa.insert(CriterionAssessment.__table__), score_rows)
    db.session.commit()


def make_queries(count: int, seed: int = 87) -> list[tuple[str, dict]]:
    """(words, facet filters): single words, pairs, phrases from real titles, filtered."""
    rng = random.Random(seed)
    titles = list(db.session.scalars(sa.select(Practice.title).limit(2000)))
    all_words = [(lang, w) for lang, text in VOCABULARY.items() for w in text.split()]
    queries = []
    for number in range(count):
        kind = number % 4
        lang, word = rng.choice(all_words)
        if kind == 0:
            text = word if rng.random() < 0.7 else fold(word)  # no accents
        elif kind == 1:
            other = rng.choice([w for w in VOCABULARY[lang].split() if w != word])
            text = f"{word} {other}"
        elif kind == 2:
            tokens = [t for t in rng.choice(titles).rstrip(".").lower().split() if len(t) > 3]
            text = f'"{tokens[0]} {tokens[1]}"' if len(tokens) > 1 else word
        else:
            text = word
        filters = {}
        if kind == 3 or rng.random() < 0.25:
            filters = rng.choice([
                {"country": rng.choice(LANGUAGE_COUNTRIES[lang])},
                {"sector": rng.choice(Sector.values())},
                {"theme": rng.choice(["peti", "ptap", "both"]), "label": "good"},
                {"year": str(rng.randint(1998, 2016))},
            ])  # fmt: skip
        queries.append((text, filters))
    return queries


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_app_search(client, queries) -> list[float]:
    timings = []
    for text, filters in queries:
        url = "/search?" + urlencode({"q": text, **filters})
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, url
    return timings


def time_raw_search(ix, queries, texts: dict[str, dict]) -> list[float]:
    """The same searches with Whoosh alone: parsed beforehand, filtered by query, counted
    with Whoosh's own facets, highlighted with Whoosh's highlighter."""
    parsers = service.query_parsers()
    prepared = []
    for text, filters in queries:
        parsed = parsers.parse(text).query
        clauses = [wq.Term("state", "published")]
        clauses += [wq.Term(facet, value) for facet, value in filters.items()]
        prepared.append((parsed if parsed is not wq.NullQuery else wq.Every(), wq.And(clauses)))
    groupedby = {
        facet: FieldFacet(facet, allow_overlap=facet in ("sector", "outcome", "language"))
        for facet in FACETS
    }
    timings = []
    with ix.searcher() as searcher:
        for query, restriction in prepared:
            started = time.perf_counter()
            results = searcher.search(
                query, filter=restriction, limit=20, groupedby=groupedby, terms=True
            )
            for facet in FACETS:
                results.groups(facet)
            for hit in results:
                lang = hit["language"].split()[0]
                source = texts[hit["id"]]
                hit.highlights(text_field("title", lang), text=source["title"])
                hit.highlights(text_field("summary", lang), text=source["summary"], top=2)
            timings.append(time.perf_counter() - started)
    return timings


def time_raw_plain(ix, queries) -> list[float]:
    """The floor: searcher.search of the same parsed queries, top 20, nothing else."""
    parsers = service.query_parsers()
    prepared = [parsers.parse(text).query for text, _ in queries]
    timings = []
    with ix.searcher() as searcher:
        for query in prepared:
            query = query if query is not wq.NullQuery else wq.Every()
            started = time.perf_counter()
            searcher.search(query, filter=wq.Term("state", "published"), limit=20)
            timings.append(time.perf_counter() - started)
    return timings


def raw_bulk_index(path: Path, documents: list[dict]) -> float:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    started = time.perf_counter()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = ix.writer(limitmb=256)
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return time.perf_counter() - started


def commit_to_searchable(client, secretariat, samples: int = 5) -> list[float]:
    ids = list(
        db.session.scalars(
            sa.select(Practice.id).where(Practice.state == "published").limit(samples)
        )
    )
    latencies = []
    for number, practice_id in enumerate(ids):
        practice = db.session.get(Practice, practice_id)
        word = f"zzmarker{number}q"
        started = time.perf_counter()
        practices.update_practice(
            secretariat,
            practice,
            {
                **snapshot(practice),
                "summary": f"{practice.summary} {word}",
            },
        )
        while f'href="/practices/{practice_id}"' not in client.get(f"/search?q={word}").get_data(
            as_text=True
        ):
            if time.perf_counter() - started > 30:
                raise RuntimeError("edited practice never became searchable")
        latencies.append(time.perf_counter() - started)
    return latencies


def make_app(workdir: Path, semantic_leg: bool = True):
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SEARCH_INDEX_DIR": str(workdir / "index"),
        "SECRET_KEY": secrets.token_hex(32),
        "SEARCH_VECTORS_FILE": str(workdir / "vectors.sqlite3"),
        "SEARCH_SEMANTIC": semantic_leg,
    }
    return create_app(config)


def time_query_encoding(queries) -> list[float]:
    """Encoding each query for the semantic leg, alone (the page caches recent ones)."""
    from kmportal.search import semantic

    store = semantic.store()
    if store is None:
        return []
    latencies = []
    for text, _ in queries:
        started = time.perf_counter()
        store.encoder.query(f"{text} {len(latencies)}")  # never a cached query
        latencies.append(time.perf_counter() - started)
    return latencies


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, where Linux has it: ru_maxrss of a
    process started by fork+exec also counts the parent's peak before the exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def index_phase(workdir: Path, size: int) -> dict:
    """Build the corpus, then index it with raw Whoosh and through the app."""
    with make_app(workdir).app_context():
        db.drop_all()
        db.create_all()
        loaders.load_countries()
        accounts.create_user("bench@example.org", "Bench", "bench-password", Role.SECRETARIAT)
        started = time.perf_counter()
        build_corpus(size)
        elapsed = time.perf_counter() - started
        print(f"corpus: {size} practices in {elapsed:.1f}s ({workdir})", flush=True)
        corpus, _ = documents.load_documents(set(range(1, size + 1)))
        raw = raw_bulk_index(workdir / "raw-index", corpus)
        print(f"raw Whoosh bulk index: {raw:.1f}s", flush=True)
        del corpus
    with make_app(workdir, semantic_leg=False).app_context():
        started = time.perf_counter()
        count = service.reindex()
        app_time = time.perf_counter() - started
        print(f"app reindex, words only: {app_time:.1f}s ({count} documents)", flush=True)
    with make_app(workdir).app_context():
        from kmportal.search import semantic

        started = time.perf_counter()
        service.reindex()
        with_vectors = time.perf_counter() - started
        print(f"app reindex with vectors: {with_vectors:.1f}s", flush=True)
        encoding = semantic.store() is not None
    return {"raw_reindex": raw, "app_reindex": app_time, "indexed": count,
            "with_vectors": with_vectors if encoding else None,
            "index_peak_mb": peak_rss_mb()}  # fmt: skip


def search_phase(workdir: Path, queries_count: int) -> dict:
    """In a process of its own, so that its peak memory is the search process's: the app's
    searches run first and their peak is taken before the raw baseline loads its texts."""
    app = make_app(workdir)
    with app.app_context():
        from kmportal.auth.models import User

        secretariat = db.session.scalar(sa.select(User).where(User.email == "bench@example.org"))
        queries = make_queries(queries_count)
        client = app.test_client()
        time_app_search(client, queries[:20])  # warm-up: caches, templates, searchers
        result = {
            "encode": time_query_encoding(queries[:50]),
            "app": time_app_search(client, queries),
            "commit": commit_to_searchable(client, secretariat),
            "search_peak_mb": peak_rss_mb(),
        }
        corpus, _ = documents.load_documents(set(db.session.scalars(sa.select(Practice.id))))
        texts = {
            d["id"]: {p: d[text_field(p, d["language"].split()[0])] for p in TEXT_PARTS}
            for d in corpus
        }
        del corpus
        raw_ix = whoosh_index.open_dir(str(workdir / "raw-index"))
        time_raw_search(raw_ix, queries[:20], texts)
        result["raw"] = time_raw_search(raw_ix, queries, texts)
        result["plain"] = time_raw_plain(raw_ix, queries)
    return result


def report(size: int, queries: int, indexing: dict, searching: dict) -> None:
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:7.1f}ms"

    app, raw, plain = searching["app"], searching["raw"], searching["plain"]
    app_p95, raw_p95 = percentile(app, 0.95), percentile(raw, 0.95)
    app_p50, raw_p50 = statistics.median(app), statistics.median(raw)
    reindex_ratio = indexing["app_reindex"] / indexing["raw_reindex"]
    commit = searching["commit"]
    lines = [
        ("corpus", f"{size} practices ({indexing['indexed']} indexed), {queries} queries"),
        ("reindex app / raw bulk", f"{indexing['app_reindex']:.1f}s / "
         f"{indexing['raw_reindex']:.1f}s  ratio {reindex_ratio:.2f}  (goal <= 1.3)"),
        ("search p50 fused / raw", f"{ms(app_p50)} / {ms(raw_p50)}  ratio {app_p50 / raw_p50:.2f}"),
        ("search p95 fused / raw", f"{ms(app_p95)} / {ms(raw_p95)}  ratio "
         f"{app_p95 / raw_p95:.2f}  (goal <= 1.5)"),
        ("raw search only, top 20", f"p50 {ms(statistics.median(plain))}, p95 "
         f"{ms(percentile(plain, 0.95))}  (no facets, highlights or page)"),
        *_semantic_lines(indexing, searching, ms),
        ("commit to searchable", f"median {ms(statistics.median(commit))}, max "
         f"{ms(max(commit))}  (goal < 1000ms)"),
        ("peak memory (RSS)", f"search process {searching['search_peak_mb']:.0f} MB "
         f"(app searches and edits), indexing process {indexing['index_peak_mb']:.0f} MB"),
    ]  # fmt: skip
    print()
    for label, text in lines:
        print(f"{label:<26}{text}")


def _semantic_lines(indexing: dict, searching: dict, ms) -> list[tuple[str, str]]:
    if indexing.get("with_vectors") is None:
        return [("semantic leg", "off: the embedding model could not be loaded")]
    encoding = indexing["with_vectors"] - indexing["app_reindex"]
    encode = searching["encode"]
    return [
        ("reindex with vectors", f"{indexing['with_vectors']:.1f}s (words only "
         f"{indexing['app_reindex']:.1f}s): embedding {indexing['indexed'] / encoding:.0f} "
         "practices/s"),
        ("query encoding", f"p50 {ms(statistics.median(encode))}, p95 "
         f"{ms(percentile(encode, 0.95))}"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="practices in the corpus")
    parser.add_argument("--queries", type=int, default=200, help="search queries to time")
    parser.add_argument("--workdir", type=Path, help="where to put the database and indexes")
    parser.add_argument("--search-phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kmportal-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.search_phase:
        print(json.dumps(search_phase(workdir, args.queries)))
        return
    indexing = index_phase(workdir, args.size)
    command = [sys.executable, __file__, "--search-phase", "--queries", str(args.queries)]
    command += ["--workdir", str(workdir)]
    child = subprocess.run(command, check=True, capture_output=True, text=True)
    report(args.size, args.queries, indexing, json.loads(child.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
