"""The Network of Focal Points' work plan 2015–2016 (Brasilia, July 2015), as in the seed.

Texts are the plan's own. The seed's schedule grid (cronograma) kept its months, October
2015 to September 2016, but not which cells were marked, so activities are loaded with no
month marked: the secretariat sets them on the plan page.
"""

from datetime import date

PLAN = {
    "code": "2015-2016",
    "title": "Plan de Trabajo 2015 – 2016. Red de Puntos Focales. "
    "Iniciativa América Latina y el Caribe libre de trabajo infantil",
    "place_and_date": "Brasilia, julio 2015",
    "first_month": date(2015, 10, 1),
    "last_month": date(2016, 9, 1),
    "objectives": [
        {
            "name": "Incidencia",
            "description": "Crear una estrategia de incidencia en el tema de la erradicación "
            "del trabajo infantil, dirigida a Ministros de Trabajo y otros ministros "
            "relacionados, empresario y sindicatos.",
            "results": [
                {
                    "text": "Una campaña de comunicación para la sensibilización de población "
                    "y tomadores de decisiones, sobre la necesidad de la erradicación del "
                    "trabajo infantil, ha sido realizada.",
                    "activities": [
                        "Realizar acciones para incluir la atención a la realidad del trabajo "
                        "infantil en el marco de los proyectos políticos de los gobiernos.",
                        "Diseñar e implementar una estrategia regional de comunicación y "
                        "sensibilización articulada, integral, sistemática y sostenible.",
                        "Realizar alianzas estratégicas con sectores productivos en los que la "
                        "incidencia del trabajo infantil es mayor.",
                        "Comprometer a los sindicatos, en el marco de su responsabilidad "
                        "social, con políticas de tolerancia cero al trabajo infantil a través "
                        "de : i) voluntad política para apoyar estas acciones; ii) trabajar "
                        "sobre las ideas fuerza atractivas para los sindicatos y iii) una "
                        "alianza de sindicatos y/o centrales sindicales contra el trabajo "
                        "infantil (a nivel nacional e internacional)",
                    ],
                },
            ],
        },
        {
            "name": "Movilización de recursos",
            "description": "Crear una estrategia de movilización de recursos que integre el "
            "incremento de los fondos provenientes de los propios países, de los actores "
            "privados y de los socios para el desarrollo tradicionales.",
            "results": [
                {
                    "text": "Estrategia de movilización de recursos diseñada y en implementación.",
                    "activities": [
                        "Diseñar una estrategia para fortalecer el involucramiento de la "
                        "empresa privada en la IR",
                        "Ejecutar y dar seguimiento a los acuerdos de cooperación a nivel bi-o "
                        "trinacional en el marco de las actividades de CSS planificadas, y "
                        "extenderlas a más países que tengan demandas coincidentes con éstas",
                    ],
                },
                {
                    "text": "Un proyecto priorizado (de los Cuatro (04) proyectos diseñados) "
                    "para ser puestos a consideración de los distintos mecanismos de "
                    "financiamiento.",
                    "activities": [
                        "Movilizar recursos para financiar el proyecto priorizado",
                        "Evaluar los avances de la implementación del proyecto priorizado y su "
                        "contribución para el logro de las metas de la Iniciativa Regional",
                        "Ejecutar la estrategia para conseguir financiamiento destinado a los "
                        "otros tres proyectos",
                    ],
                },
            ],
        },
        {
            "name": "Gestión del conocimiento",
            "description": "Crear un componente de gestión del conocimiento dirigido a "
            "difundir buenas prácticas vinculadas a la PETI y a la PTAP, entre los países de "
            "la Iniciativa Regional.",
            "results": [
                {
                    "text": "Quince (15) buenas prácticas transferidas entre países",
                    "activities": [
                        "Diseñar una estrategia para la gestión del conocimiento basado en la "
                        "sociabilización de las buenas prácticas",
                        "Implementar un mecanismo de financiamiento para el intercambio de "
                        "buenas prácticas entre países (países interesados financian su "
                        "intercambio o financiamiento por país que tiene la experiencia)",
                        "Dar seguimiento a la aplicación de las prácticas transferidas.",
                    ],
                    "targets": [
                        {
                            "indicator": "practices_transferred",
                            "description": "Quince (15) buenas prácticas transferidas entre países",
                            "quantity": 15,
                            "period_start": date(2015, 10, 1),
                            "period_end": date(2016, 9, 30),
                        }
                    ],
                },
                {
                    "text": "Fortalecidas las capacidades de los puntos focales para "
                    "contribuir a acelerar la erradicación del trabajo infantil",
                    "activities": [
                        "Promover la participación de los puntos focales en procesos de "
                        "formación, priorizando modalidades virtuales",
                        "Reforzar las capacidades de la Red de Puntos Focales",
                    ],
                },
            ],
        },
        {
            "name": "Estructura operativa",
            "description": "Fortalecer el funcionamiento de la estructura operativa y "
            "administrativa de la Iniciativa Regional.",
            "results": [
                {
                    "text": "Cuatro (04) reuniones de la Red de Puntos Focales realizadas",
                    "activities": [
                        "Diseñar la estrategia para la implementación eficiente y eficaz de la "
                        "Iniciativa Regional y sus indicadores de desempeño",
                        "Definir los indicadores de la estrategia de implementación de la "
                        "Iniciativa Regional.",
                        "Realizar reuniones mensuales virtuales y una presencial de la Red de "
                        "Puntos Focales",
                        "Crear y poner al servicio la plataforma virtual de la Iniciativa Regional",
                        "Promover la participación de los invitados especiales de cooperación "
                        "en otras reuniones de la red de Puntos Focales.",
                        "Elaborar y presentar un informe sobre los resultados del Plan de "
                        "Trabajo 2014-2015",
                        "Buscar mecanismos para reforzar el número de integrantes de la "
                        "Secretaría Técnica (OIT)",
                    ],
                },
            ],
        },
    ],
}

# Member countries of the Initiative (ISO 3166-1 alpha-2). Membership is data: the
# secretariat can change a country's member flag; names come from pycountry's translations.
MEMBER_COUNTRIES = (
    "AG",
    "AR",
    "BS",
    "BB",
    "BZ",
    "BO",
    "BR",
    "CL",
    "CO",
    "CR",
    "DM",
    "DO",
    "EC",
    "SV",
    "GD",
    "GT",
    "GY",
    "HT",
    "HN",
    "JM",
    "MX",
    "NI",
    "PA",
    "PY",
    "PE",
    "KN",
    "LC",
    "VC",
    "SR",
    "TT",
    "UY",
    "VE",
)
