"""Load DigComp 2.2: its five competence areas and 21 competences, in English and Persian.

The English titles are the framework's own (2.2 kept the 2.0 titles); the Persian names are
Savad's. Codes and area numbers are the stable keys, so running this again updates the names
in place instead of adding rows.
"""

from django.db import migrations

# (area number, English name, Persian name, ((code, English name, Persian name), ...))
DIGCOMP_2_2 = (
    (
        1,
        "Information and data literacy",
        "سواد اطلاعات و داده‌ها",
        (
            (
                "1.1",
                "Browsing, searching and filtering data, information and digital content",
                "مرور، جست‌وجو و پالایش داده‌ها، اطلاعات و محتوای دیجیتال",
            ),
            (
                "1.2",
                "Evaluating data, information and digital content",
                "ارزیابی داده‌ها، اطلاعات و محتوای دیجیتال",
            ),
            (
                "1.3",
                "Managing data, information and digital content",
                "مدیریت داده‌ها، اطلاعات و محتوای دیجیتال",
            ),
        ),
    ),
    (
        2,
        "Communication and collaboration",
        "ارتباط و همکاری",
        (
            (
                "2.1",
                "Interacting through digital technologies",
                "تعامل از طریق فناوری‌های دیجیتال",
            ),
            (
                "2.2",
                "Sharing through digital technologies",
                "اشتراک‌گذاری از طریق فناوری‌های دیجیتال",
            ),
            (
                "2.3",
                "Engaging in citizenship through digital technologies",
                "مشارکت شهروندی از طریق فناوری‌های دیجیتال",
            ),
            (
                "2.4",
                "Collaborating through digital technologies",
                "همکاری از طریق فناوری‌های دیجیتال",
            ),
            ("2.5", "Netiquette", "آداب رفتار در فضای مجازی"),
            ("2.6", "Managing digital identity", "مدیریت هویت دیجیتال"),
        ),
    ),
    (
        3,
        "Digital content creation",
        "تولید محتوای دیجیتال",
        (
            ("3.1", "Developing digital content", "ساخت محتوای دیجیتال"),
            (
                "3.2",
                "Integrating and re-elaborating digital content",
                "تلفیق و بازآفرینی محتوای دیجیتال",
            ),
            ("3.3", "Copyright and licences", "حق نشر و مجوزها"),
            ("3.4", "Programming", "برنامه‌نویسی"),
        ),
    ),
    (
        4,
        "Safety",
        "ایمنی",
        (
            ("4.1", "Protecting devices", "محافظت از دستگاه‌ها"),
            (
                "4.2",
                "Protecting personal data and privacy",
                "محافظت از داده‌های شخصی و حریم خصوصی",
            ),
            ("4.3", "Protecting health and well-being", "محافظت از سلامت و بهزیستی"),
            ("4.4", "Protecting the environment", "محافظت از محیط زیست"),
        ),
    ),
    (
        5,
        "Problem solving",
        "حل مسئله",
        (
            ("5.1", "Solving technical problems", "حل مشکلات فنی"),
            (
                "5.2",
                "Identifying needs and technological responses",
                "شناسایی نیازها و راه‌حل‌های فناورانه",
            ),
            (
                "5.3",
                "Creatively using digital technologies",
                "استفادهٔ خلاقانه از فناوری‌های دیجیتال",
            ),
            (
                "5.4",
                "Identifying digital competence gaps",
                "شناسایی شکاف‌های شایستگی دیجیتال",
            ),
        ),
    ),
)


def load_digcomp(apps, schema_editor):
    CompetenceArea = apps.get_model("competences", "CompetenceArea")
    Competence = apps.get_model("competences", "Competence")
    for number, area_en, area_fa, competences in DIGCOMP_2_2:
        area, _created = CompetenceArea.objects.update_or_create(
            number=number, defaults={"name_en": area_en, "name_fa": area_fa}
        )
        for code, name_en, name_fa in competences:
            Competence.objects.update_or_create(
                code=code,
                defaults={
                    "area": area,
                    "position": int(code.split(".")[1]),
                    "name_en": name_en,
                    "name_fa": name_fa,
                },
            )


def unload_digcomp(apps, schema_editor):
    CompetenceArea = apps.get_model("competences", "CompetenceArea")
    Competence = apps.get_model("competences", "Competence")
    codes = [code for *_area, competences in DIGCOMP_2_2 for code, _en, _fa in competences]
    Competence.objects.filter(code__in=codes).delete()
    CompetenceArea.objects.filter(number__in=[area[0] for area in DIGCOMP_2_2]).delete()


class Migration(migrations.Migration):
    dependencies = [("competences", "0001_competence_models")]

    operations = [migrations.RunPython(load_digcomp, unload_digcomp)]
