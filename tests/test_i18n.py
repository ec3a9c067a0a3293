"""The locale files stay in step: same keys, same placeholders, nothing empty."""

import pickle
import re
import string

import pytest

from lrviz.i18n import LOCALES, Key, t, table


def test_both_languages_have_the_same_files():
    def files(lang: str) -> set[str]:
        return {p.name for p in (LOCALES / lang).glob("*.toml")}

    assert files("en") == files("ko")


def test_both_languages_have_the_same_keys():
    assert set(table("en")) == set(table("ko"))


@pytest.mark.parametrize("key", sorted(table("en")))
def test_placeholders_match_and_texts_are_not_empty(key):
    fields = [{f for _, f, _, _ in string.Formatter().parse(table(lang)[key]) if f} for lang in ("en", "ko")]
    assert fields[0] == fields[1], key
    assert table("en")[key].strip() and table("ko")[key].strip()


def test_korean_texts_are_korean():
    hangul = re.compile("[\uac00-\ud7a3]")
    def words(text: str) -> list[str]:  # English words, placeholders and symbols aside
        return re.findall(r"\b[a-zA-Z]{3,}\b", re.sub(r"\{\w+\}", "", text))

    prose = [k for k, v in table("en").items() if len(words(v)) >= 2]
    assert len(prose) > 50
    assert all(hangul.search(table("ko")[k]) for k in prose)


# One idea, one name: a student who meets two words takes them for two ideas. Each Korean word on
# the left once named what the one on the right names, which the pages, cards and lessons now use.
ONE_NAME = {
    "시작점": "출발점",  # the run's starting point (sidebar, map legend, cards, lessons)
    "고원": "평탄한 구간",  # the plateau surface: its title in the menu and the lesson about it
    "느림": "아직 이동 중",  # status.slow: what the verdict card and the status labels say
}


@pytest.mark.parametrize(("other", "name"), ONE_NAME.items())
def test_korean_calls_one_idea_by_one_name(other, name):
    ko = table("ko")
    uses = [k for k, v in ko.items() if other in v]
    assert not uses, f"“{other}” is called “{name}” in Korean: {uses}"
    assert any(name in v for v in ko.values())


def test_lookup_fills_placeholders_and_falls_back_to_english():
    assert "3" in t("home.facts", "ko", surfaces=3, optimizers=1, schedules=2)
    assert t("nav.home", "fr") == t("nav.home", "en")


def test_a_key_reads_its_values_in_the_same_language_and_pickles():
    bad = Key("param.error", name="gamma", value=-1, allowed=Key("param.range.number", interval="(0, 1]"))
    assert bad("en") == "`gamma` (=-1) must be a number in (0, 1]."
    assert "(0, 1] 범위의 수" in bad("ko")
    assert pickle.loads(pickle.dumps(bad)) == bad and hash(bad) == hash(Key(bad.key, **dict(bad.values)))


@pytest.mark.parametrize(("step", "korean"), [
    (1, "첫 번째 스텝에서 발산했습니다."),
    (11, "11번째 스텝에서 발산했습니다."),
    (21, "21번째 스텝에서 발산했습니다."),
])
def test_korean_counts_the_first_step_as_the_first(step, korean):
    assert t("verdict.diverged", "ko", step=step) == korean
    assert t("verdict.diverged", "en", step=step) == f"Diverged at step {step}."


@pytest.mark.parametrize(("lr", "particle"), [("1.5", "는"), ("1", "은"), ("0.2", "는"), ("10", "은"),
                                              ("3", "은"), ("0.09", "는"), ("1e-05", "는"), ("0.7", "은")])
def test_a_korean_particle_agrees_with_the_number_before_it(lr, particle):
    # 1.5 is read 일 점 오 (a vowel: 는), 1 일 and 10 십 (a final consonant: 은), 0.7 영 점 칠.
    text = t("verdict.oscillating_above_detail", "ko", share="100", window=20, lr=lr, critical="1",
             formula="2/λmax")
    assert f"η = {lr}{particle} 임계" in text


def test_particles_after_points_and_words_agree_and_other_text_is_untouched():
    assert "(1, 2)가 아니라" in t("verdict.decayed_detail", "ko", w="1", minimum="(1, 2)")
    assert "(0, 0)이 아니라" in t("verdict.decayed_detail", "ko", w="1", minimum="(0, 0)")
    assert "w = 1은" in t("verdict.decayed_detail", "ko", w="1", minimum="(0, 0)")
    assert "\x00" not in t("verdict.decayed_detail", "ko", w="1", minimum="(0, 0)")
    english = t("verdict.decayed_detail", "en", w="1", minimum="(1, 2)")
    assert "(1, 2)" in english and "\x00" not in english


@pytest.mark.parametrize(("value", "form"), [("0.0743", "으로"), ("0.5", "로"), ("1", "로"), ("0.8", "로"),
                                             ("6", "으로"), ("10", "으로"), ("1e-05", "로")])
def test_ro_after_a_number_agrees_with_its_last_sound(value, form):
    # 으로 after a final consonant (삼, 육, 십), 로 after a vowel (오, 이) or ㄹ (일, 팔).
    said = t("edge.say.flow", "ko", at="0.1", steps=50, end=value)
    assert f"{value}{form} 커졌습니다" in said and "\x00" not in said
    assert "{end}로" in str(table_source("ko", "edge.say.flow"))  # the template keeps one form


def table_source(lang: str, key: str) -> str:
    from lrviz.i18n import table

    return table(lang)[key]
