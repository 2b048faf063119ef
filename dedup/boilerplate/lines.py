"""Line rules: one line of plain text in, a boilerplate reason (or nothing) out.

Every rule looks at one stripped line only; context-dependent decisions
(listing pages, navigation runs, site templates) live in :mod:`.classify`.

All patterns are linear by construction (no nested quantifiers, bounded
repetitions) and every matching call also carries the configured timeout, so a
hostile line can never stall a worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import regex

log = logging.getLogger(__name__)

_I = regex.IGNORECASE  # VERSION1 would turn on full case folding: 20x slower


@dataclass(frozen=True)
class RuleHit:
    """What a line rule found: the reason code, a human explanation, and the
    part of the stripped line to cut (``cut`` = (start, end) into the stripped
    line; the whole line when it is ``None``)."""

    reason: str
    rule: str
    cut: tuple[int, int] | None = None


def _search(pattern: regex.Pattern[str], s: str, timeout: float) -> regex.Match[str] | None:
    try:
        return pattern.search(s, timeout=timeout)
    except TimeoutError:
        # A timeout means "no evidence": keeping a line is the safe failure.
        log.warning("regex %s timed out on a %d-char line; line kept", pattern.pattern[:40], len(s))
        return None


def _match(pattern: regex.Pattern[str], s: str, timeout: float) -> regex.Match[str] | None:
    try:
        return pattern.match(s, timeout=timeout)
    except TimeoutError:
        log.warning("regex %s timed out on a %d-char line; line kept", pattern.pattern[:40], len(s))
        return None


# --------------------------------------------------------------- link leads
# "Read more: headline", "Also read; headline", "Lire aussi | titre", ...
_LEADS = "|".join(
    [
        r"read\s+more",
        r"read\s+also",
        r"also\s+read",
        r"must\s+read",
        r"read",
        r"see\s+also",
        r"see\s+more",
        r"also\s+see",
        r"related(?:\s+(?:stories|story|articles?|news|content|coverage|reading|links?|posts?))?",
        r"recommended(?:\s+(?:stories|reading|articles?|for\s+you|videos?))?",
        r"more\s+(?:on\s+this(?:\s+story)?|from\s+[\w ]{1,30}|stories|news|coverage|reading)",
        r"further\s+reading",
        r"don'?t\s+miss",
        r"you\s+may\s+also\s+like",
        r"you\s+might\s+also\s+like",
        r"trending(?:\s+now)?",
        r"top\s+stories",
        r"suggested(?:\s+reading)?",
        r"(?:à|a)\s+lire\s+aussi",
        r"lire\s+aussi",
        r"voir\s+aussi",
        r"lisez\s+aussi",
        r"lesen\s+sie\s+auch",
        r"mehr\s+zum\s+thema",
        r"auch\s+interessant",
        r"leer\s+más",
        r"lee\s+también",
        r"ver\s+también",
        r"te\s+puede\s+interesar",
        r"leia\s+também",
        r"leia\s+mais",
        r"veja\s+também",
        r"leggi\s+anche",
        r"lees\s+ook",
        r"czytaj\s+(?:także|też)",
        r"читайте\s+также",
        r"اقرأ\s+(?:أيضا|أيضاً|ايضا|ايضاً|المزيد)",
        r"ayrıca\s+okuyun",
        r"devamını\s+oku",
    ]
)
# The separator is what distinguishes a link lead from a sentence starting with "Read".
_LINK_LEAD = regex.compile(
    rf"^[\[(]?\s{{0,2}}(?:{_LEADS})(?:\s(?:su|on|en|sur|auf|em))?\s{{0,3}}[:;|\-–—»>]{{1,3}}\s{{0,3}}\S",
    _I,
)
# Related-story links flagged by a trailing tag: "China furious at Macron [INSIGHT]".
_TAGGED_LINK = regex.compile(
    r"\s\[(?:[A-Z]{3,12}(?:\s[A-Z]{2,12})?|(?i:video|videos|photos?|gallery|pics|watch|poll))\]"
    r"\s{0,2}\|?$"
)
# The whole line is a "read more" link with no headline.
_READ_MORE_ALONE = regex.compile(
    r"^(?:\[?\s{0,2}(?:read\s+more|read\s+the\s+(?:full|whole|rest)(?:\s+(?:story|article|report))?|"
    r"read\s+full\s+(?:story|article)|continue\s+reading|keep\s+reading|click\s+here\s+to\s+read"
    r"(?:\s+more)?|full\s+story|lire\s+la\s+suite|weiterlesen|leer\s+más|leia\s+mais|"
    r"view\s+(?:more|all)|see\s+(?:more|all))(?:\s+(?:here|on\s+[\w.]{1,30}|about\s+[\w ]{1,40}))?"
    r"\s{0,2}[.:»>…\]→]{0,4}\s{0,2}\]?)$",
    _I,
)
# A pointer to more coverage at a URL: "Follow AP's full coverage of Brexit at
# https://apnews.com/Brexit", "More AP NBA: https://apnews.com/NBA".
_COVERAGE_URL = regex.compile(
    r"^(?:follow|more|read|watch|find)\b[^\n]{0,160}?\s(?:https?://|www\.)\S{1,200}$",
    _I,
)
# "Also on rt.com Journalists & politicians threatened..." (a site's own link lead).
_ALSO_ON_SITE = regex.compile(r"^also\s+on\s+[\w-]{1,40}(?:\.[\w-]{1,20}){1,3}\s", _I)
_RELATED_HEADER = regex.compile(
    rf"^(?:{_LEADS}|more\s+(?:stories|news|articles)|latest\s+(?:news|stories|articles)|"
    r"popular(?:\s+(?:now|stories|articles))?|most\s+(?:read|popular|viewed|shared)|"
    r"in\s+(?:other|case\s+you\s+missed)\s*\w*|editor'?s\s+picks?|what\s+to\s+read\s+next|"
    r"read\s+next|up\s+next|next\s+(?:story|article)|previous\s+(?:story|article)|"
    r"other\s+stories|recent\s+posts?|explore\s+further|also|more|"
    r"(?:most\s+read|popular|trending|latest)\s+(?:in|on|from)\s+[\w ]{1,30})"
    r"\s{0,2}(?:[:»>]|\.\.\.|…)?$",
    _I,
)

# ------------------------------------------------------------- date stamps
_NUM = r"(?:\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several)"
_UNIT = (
    r"(?:seconds?|secs?|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|"
    r"years?|yrs?|y)"
)
_AGE = regex.compile(
    r"^(?:(?:updated|posted|published|edited|modified|last\s+updated)\s{0,2}:?\s{0,2})?"
    rf"(?:about\s+|over\s+|almost\s+|nearly\s+|more\s+than\s+)?{_NUM}\s{{0,2}}{_UNIT}\.?\s+ago\.?$"
    r"|^(?:just\s+now|yesterday|today|moments\s+ago)$"
    r"|^il\s+y\s+a\s+\d{1,4}\s+(?:secondes?|minutes?|heures?|jours?|semaines?|mois|ans?)$"
    r"|^vor\s+\d{1,4}\s+(?:sekunden?|minuten?|stunden?|tagen?|wochen?|monaten?|jahren?)$"
    r"|^hace\s+\d{1,4}\s+(?:segundos?|minutos?|horas?|días?|semanas?|meses?|años?)$"
    r"|^há\s+\d{1,4}\s+(?:segundos?|minutos?|horas?|dias?|semanas?|meses?|anos?)$",
    _I,
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"januar|februar|märz|juni|juli|oktober|dezember|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro)"
)
_WEEKDAYS = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|"
    r"(?:segunda|terça|terca|quarta|quinta|sexta)(?:-feira)?|sábado|domingo)"
)
# A line is a date stamp when it holds a date and nothing but date words.
_DATE_CORE = regex.compile(
    rf"\b{_MONTHS}\.?\s{{0,2}}\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s{{0,2}}{_MONTHS}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    rf"|\b\d{{1,2}}\s{{1,2}}de\s{{1,2}}{_MONTHS}\b"
    rf"|\b{_MONTHS}\.?\s{{0,2}}\d{{4}}\b"
    r"|^\W{0,3}(?:updated|published|posted|last\s+updated|modified)\b[^\n]{0,20}\d{1,2}[:.]\d{2}",
    _I,
)
_DATE_TOKENS = (
    rf"\b(?:{_MONTHS}|{_WEEKDAYS})\b\.?"
    r"|\b\d{4}-\d{1,2}-\d{1,2}(?:T\d{1,2}:\d{2}(?::\d{2})?(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    r"|\b\d{1,2}[:.h]\d{2}(?::\d{2})?\s{0,2}(?:[ap]\.?m\.?)?"
    r"|\b\d{1,4}(?:st|nd|rd|th)?\b"
    r"|\b(?:at|on|of|the|de|du|le|am|um|el|a|[ap]\.?m|published|posted|updated|last|modified|"
    r"created|date|time|first|utc|gmt|est|edt|cst|cdt|mst|mdt|pst|pdt|et|pt|ct|bst|cet|cest|"
    r"ist|aest|jst|hkt|sgt|msk|eet|eest|publié|mis|à|jour|veröffentlicht|aktualisiert|"
    r"publicado|actualizado|las|em|às|amt|ast|hst|akst|wib|pkt|cat|eat|wat|sast)\b"
    r"|[\s,|·•/:;\-–—()]"
)
# The whole line as a run of date tokens. Atomic alternatives and a possessive
# repeat: no backtracking, so linear, and it stops at the first non-date word.
_DATE_LINE = regex.compile(rf"(?>{_DATE_TOKENS})++", _I)

# ---------------------------------------------------------------- datelines
_AGENCIES = (
    r"(?:AP|Reuters|AFP|UPI|dpa|DPA|IANS|PTI|Xinhua|CNN|Bloomberg|ANI|AA|Anadolu|"
    r"TASS|Interfax|EFE|ANSA|Yonhap|Kyodo|WAFA|APA|Trend|Sputnik|CNA|Bernama|NNA|KUNA|SPA|WAM|"
    r"IRNA|ISNA|Tasnim|RIA|Ukrinform|PAP|BNS|RTT|Saba|QNA|MENA|BSS|UNB|APP|NAN|GNA|KNA|"
    r"Al\s+Jazeera|The\s+Associated\s+Press|Associated\s+Press|Agencies)"
)
_DATELINE = regex.compile(
    # "WASHINGTON (AP) — ", "KYIV, Ukraine (AP) — ", "LONDON — "
    r"^(?:[A-ZÀ-Þ][A-ZÀ-Þ.'\-]{1,25}(?:\s[A-ZÀ-Þ][A-ZÀ-Þ.'\-]{0,25}){0,3}"
    r"(?:,\s[A-Z][\w.'\-]{1,25}(?:\s[A-Z][\w.'\-]{1,25}){0,2})?"
    rf"(?:\s{{0,2}}\({_AGENCIES}\))?\s{{0,2}}[—–-]{{1,2}}\s{{1,3}}"
    # "Moscow, Jan 5 (Reuters) - ", "Baku (AFP) - "
    r"|[A-Z][\w.'\-]{1,25}(?:\s[A-Z][\w.'\-]{1,25}){0,2}"
    r"(?:,\s[\w.'\-]{1,25}(?:\s[\w.'\-]{1,25}){0,3})?"
    rf"\s{{0,2}}\({_AGENCIES}\)\s{{0,2}}[—–:-]{{1,2}}\s{{1,3}})"
    r"(?=\S)"
)

# ------------------------------------------------------------------ captions
# "[Agency/Photographer]" at the end of a line; also source tags that end a
# paragraph ("... [MPH SP / MP2 SP / MP3 SP]"), so a long line with it is content.
_SLASH_BRACKET = regex.compile(r"\[[^\[\]\n]{2,80}/[^\[\]\n]{2,80}\]\s{0,2}$")
# A bracket naming a photo or an agency: a caption, however long (agency
# captions run to 100 words: "WASHINGTON, DC - NOVEMBER 19: ... (Photo by
# Chip Somodevilla/Getty Images)").
_CAPTION_BRACKET = regex.compile(
    r"\[[^\[\]\n]{0,60}\b(?:photo|file|getty|reuters|afp|ap|agency|images?|credit|pool|"
    r"handout|epa|shutterstock|via)\b[^\[\]\n]{0,60}\]\s{0,2}$"
    r"|\((?:AP\s+Photo|Photo|Photograph|Image|Picture|Credit|Foto|File\s+photo|Getty)"
    r"[^()\n]{0,100}\)\s{0,2}$",
    _I,
)
_CAPTION_LEAD = regex.compile(
    r"^(?:photo|photograph|image|picture|credit|foto|file\s+photo|photo\s+credit|image\s+source|"
    r"image\s+caption|media\s+caption|caption|illustration|source\s+image|pictured)"
    r"\s{0,2}(?:by\s|[:,|]|-\s)",
    _I,
)
_CREDIT_ALONE = regex.compile(
    r"^(?:\(?(?:getty\s+images|reuters|afp|ap|epa|shutterstock|istock(?:photo)?|alamy|"
    r"afp\s+via\s+getty\s+images|ap\s+photo)\)?)$"
    r"|^[\w.' \-]{2,60}/(?:getty\s+images|reuters|afp|ap|epa|shutterstock|istock|alamy|"
    r"anadolu(?:\s+agency)?|bloomberg|pool)\)?$",
    _I,
)

# ------------------------------------------------------------------ taglines
_TAGLINE = regex.compile(
    r"\b(?:since|est\.?|established(?:\s+in)?|founded(?:\s+in)?|serving\s+[\w ]{1,30}since)"
    r"\s(?:in\s)?(?:1[6-9]|20)\d\d$",
    _I,
)

# ------------------------------------------------------- share / subscribe / ads
_SOCIAL = regex.compile(
    r"^(?:share(?:\s+(?:this|the|on|via|article|story|post|page|to)[\w ]{0,40})?|tweet(?:\s+this)?|"
    r"pin(?:\s+it)?|e-?mail(?:\s+(?:this|article|story))?|print(?:\s+(?:this|article|story))?|"
    r"whats\s?app|facebook|twitter|x|linkedin|pinterest|reddit|telegram|flipboard|messenger|"
    r"copy\s+(?:link|url)|link\s+copied|copied|comments?|\d{1,6}\s+comments?|"
    r"view\s+comments|show\s+comments|leave\s+a\s+(?:comment|reply)|add\s+a\s+comment|"
    r"follow\s+(?:us|me|@[\w.]{1,30})(?:\s+on\s[\w ,&]{1,60})?|like\s+us\s+on\s+facebook|"
    r"join\s+(?:us|the\s+conversation)(?:\s+on\s[\w ,&]{1,60})?|"
    r"(?:facebook|twitter|linkedin|email|whatsapp|share|print)(?:\s{0,2}[|,/·•]\s{0,2}"
    r"(?:facebook|twitter|linkedin|email|whatsapp|share|print|reddit|pinterest|telegram|x))+"
    r")\s{0,2}[.!:]?$",
    _I,
)
# Short prose that only sells a newsletter: needs both a verb and a channel.
_NEWSLETTER_VERB = regex.compile(r"\b(?:sign(?:ing)?\s+up|subscrib(?:e|ing)|delivered|join)\b", _I)
# A numbered how-to step ("Step 3: Confirm the link delivered to your inbox",
# "2. Subscribe to the podcast in your app") says what to do, it sells nothing.
_STEP = regex.compile(r"(?:step\s{0,2}\d{1,2}\b|\d{1,2}[.)]\s)", _I)
_NEWSLETTER_WHAT = regex.compile(r"\b(?:newsletters?|inbox|e-?mail\s+alerts?|podcast)\b", _I)
_PROMO = regex.compile(
    r"^(?:if\s+you\s+(?:enjoyed|liked|value)\s+this|click\s+here\b|tap\s+here\b|"
    r"(?:listen|download|itunes|spotify|apple\s+podcasts|google\s+podcasts)\s{0,2}:\s{0,2}https?://|"
    r"this\s+copy\s+is\s+for\s+your\s+personal|have\s+a\s+(?:news\s+)?tip\b|"
    r"tell\s+us\s+what\s+you\s+think|like\s+this\s+(?:story|article)\b|"
    # A radio / podcast promo: "Listen to Newsbeat live at 12:45 and 17:45
    # weekdays - or listen back here", "Listen to the full episode on Spotify".
    r"listen\b[^\n]{0,120}?(?:\blive\s+(?:at|from)\s+\d{1,2}[:.]\d\d|\blisten\s+(?:back|again)\b|"
    r"\bon\s+(?:bbc\s+sounds|apple\s+podcasts|google\s+podcasts|spotify|itunes|soundcloud)\b))",
    _I,
)
_FOLLOW = regex.compile(
    r"^(?:follow|find|connect\s+with|like)\b[^\n]{0,200}?"
    r"(?:\b(?:twitter|facebook|instagram|youtube|linkedin|tiktok|threads|bluesky|mastodon)\b|\s@\w)"
    r"|\bclick\s+to\s+tweet$|\bshare\s+(?:it|this)\s+with\b",
    _I,
)
_CREDITS = regex.compile(
    r"^\(?\s{0,2}(?:(?:additional\s+)?(?:reporting|writing|editing|research|graphics|"
    r"production)\s+by\b|compiled\s+by\b|source\s{0,2}:|sources\s{0,2}:|"
    r"\w[\w.'’ -]{0,80}\s(?:writers?|correspondents?|reporters?)\s[\w.'’, -]{0,300}"
    r"contributed\b)"
    r"|\bcontributed\s+(?:reporting|to\s+this\s+(?:report|story|article))\b[^\n]{0,60}$",
    _I,
)
_TAGS = regex.compile(
    r"^(?:filed\s+under|tags?|tagged(?:\s+with)?|categories|category|topics?|keywords)"
    r"(?:\s{0,2}[:|]|$)",
    _I,
)
_READING_TIME = regex.compile(
    r"^(?:(?:estimated\s+)?(?:reading|read)\s+time|tempo\s+de\s+leitura|temps\s+de\s+lecture|"
    r"tiempo\s+de\s+lectura|lesezeit)\s{0,2}:?\s{0,2}\d"
    r"|^\d{1,3}\s{0,2}(?:-\s{0,2})?min(?:ute)?s?\.?\s+(?:read|de\s+leitura|de\s+lectura|lesezeit)$",
    _I,
)
_CONTACT = regex.compile(
    r"^[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}$"
    r"|^(?:reach|contact|email|e-mail|write\s+to)\s+(?:the\s+)?(?:reporters?|writers?|authors?|[A-Z][\w'-]{1,30}"
    r"(?:\s[A-Z][\w'-]{1,30}){0,2})\s(?:at|on|via)\b",
    _I,
)
_SUBSCRIBE = regex.compile(
    r"^(?:subscribe\b|sign\s+up\b|sign\s+in\b|log\s+in\b|login\b|register\b|create\s+(?:a\s+)?"
    r"free\s+account|get\s+(?:our|the)\s+[\w ]{0,30}newsletter|(?:our|the|free)\s+[\w ]{0,30}"
    r"newsletter\b|newsletter\b|already\s+a\s+subscriber|become\s+a\s+(?:member|subscriber)|"
    r"support\s+(?:our|independent)\s+journalism|get\s+(?:the\s+)?(?:latest|breaking)\s+news"
    r"|want\s+more\b|download\s+(?:our|the)\s+app\b|get\s+the\s+app\b|enter\s+your\s+email)",
    _I,
)
# A subscription pitch with a price: "Get Motor Cycle Monthly delivered through
# your letterbox every month. 12 issues for £11.99."
_PITCH = regex.compile(
    r"^(?:get|join|subscribe)\b[^\n]{0,200}?\b(?:subscri\w{0,12}|issues|membership|letterbox|"
    r"delivered)\b[^\n]{0,200}?(?:[£$€₹]\s?|\brs\.?\s)\d",
    _I,
)
# Leads that make even a long line a promotion.
_LONG_PROMO = regex.compile(
    r"^(?:if\s+you\s+(?:enjoyed|liked|value)\s+this\s+(?:article|story|post|piece|content)\b|"
    r"this\s+copy\s+is\s+for\s+your\s+personal\b)",
    _I,
)
_LONG_FOLLOW = regex.compile(
    r"^follow\s+(?:us|me|@\w{1,30})\s+on\s+(?:twitter|facebook|instagram|x|linkedin|youtube)\b",
    _I,
)
# A line closed by the site's follow-us prompt: "Mike Wall's book ... is out
# now. Follow him on Twitter @michaeldwall. Follow us on Twitter @Spacedotcom
# or Facebook." (an author bio). Only "follow us" as the last sentence.
_FOLLOW_US_TAIL = regex.compile(
    r"(?:^|[.!?]\s{1,3})follow\s+us\s+(?:on\s+|at\s+)?(?:@\w{1,30}|twitter|facebook|instagram|x|"
    r"linkedin|youtube|tiktok|threads|bluesky)\b[^.!?\n]{0,100}[.!]?$",
    _I,
)
# A line that is only a social-network profile: "twitter.com/paultakahashi".
_SOCIAL_URL = regex.compile(
    r"^(?:https?://)?(?:www\.)?(?:twitter|x|facebook|instagram|linkedin|tiktok|youtube|threads|"
    r"pinterest)\.(?:com|net)/(?:in/|@)?[\w.-]{1,60}/?$",
    _I,
)
# An invitation to write to the newsroom that carries its address: "We'd like
# to hear what you think about this or any of our articles. ... And here's our
# email: letters@nytimes.com."
_FEEDBACK = regex.compile(
    r"\b(?:we(?:['’]d|\s+would)\s+(?:like|love)\s+to\s+hear\b|letters?\s+to\s+the\s+editor\b|"
    r"send\s+(?:us\s+)?(?:your\s+)?(?:letters?|tips?|feedback|comments)\s+to\b|"
    r"(?:email|e-mail|write\s+to)\s+us\s+at\b)",
    _I,
)
_EMAIL = regex.compile(r"[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,63}")
# Unrendered CMS markup: a WordPress shortcode opening the line with
# attributes ("[button link=... type=big] Send us YOUR kit review[/button]")
# or a closing shortcode ending it.
_SHORTCODE = regex.compile(
    r"^\[[a-z][\w-]{0,30}\s[a-z_][\w-]{0,30}\s{0,2}=|\[/[a-z][\w-]{0,30}\]$",
    _I,
)
# A photo credit inside a short line: "installation views, photos © Inexhibit, 2018".
_PHOTO_CREDIT = regex.compile(
    r"\b(?:photos?|fotos?|images?|pictures?|photography)\s{0,2}(?:©|\(c\)|courtesy\b)", _I
)
# Post metadata: "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde".
# Not a sentence ending in a full stop ("Published by Penguin in 1962, the
# novel sold a million copies." is content).
_POSTED_BY = regex.compile(
    r"^(?![^\n]{0,400}\.$)(?:\d[\d/.-]{5,12}\s{0,2}[-–|·]\s{0,2})?(?:posted|published|publicado|publicada|publié|"
    r"publiée|pubblicato|veröffentlicht|written)\s{1,2}(?:by|por|par|da|von|em)\b",
    _I,
)
_COOKIE = regex.compile(
    r"\b(?:we\s+use\s+cookies|this\s+(?:site|website)\s+uses\s+cookies|accept\s+(?:all\s+)?"
    r"cookies|cookie\s+(?:policy|settings|preferences|consent)|manage\s+cookies)\b",
    _I,
)
_ADVERT = regex.compile(
    r"^(?:advertisement|advertising|sponsored(?:\s+content)?|ad|ads|promoted(?:\s+content)?|"
    r"paid\s+(?:content|post)|story\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?"
    r"(?:advertisement|ad))?|continue\s+reading\s+(?:the\s+main\s+story|below)|"
    r"scroll\s+to\s+continue(?:\s+with\s+content)?|article\s+continues\s+(?:below|after)"
    r"(?:\s+(?:this\s+)?(?:advertisement|ad))?|skip\s+advert(?:isement)?|close\s+ad)"
    r"\s{0,2}[.:]?$",
    _I,
)
_COPYRIGHT = regex.compile(
    r"^(?:©|\(c\)|copyright\s{0,2}(?:©|\(c\)|\d{4}\b|$)|all\s+rights\s+reserved\b)"
    r"|^copyright\s[\w.,&' -]{1,40}\b(?:19|20)\d\d\b"
    r"|\ball\s+rights\s+reserved\.?$",
    _I,
)
# "All rights reserved" in other languages, anywhere in a short line, or "©"
# with a year: "جميع الحقوق محفوظة © 2024", "© 2024 Verlag GmbH. Alle Rechte
# vorbehalten". Literal phrases (an alternation without nesting): linear.
_RIGHTS_RESERVED = (
    "vorbehalten",  # de: alle Rechte vorbehalten
    "réservés",  # fr: tous droits réservés
    "reservados",  # es/pt: todos los derechos reservados
    "riservati",  # it
    "voorbehouden",  # nl
    "zastrzeżone",  # pl
    "защищены",  # ru: все права защищены
    "saklıdır",  # tr
    "محفوظة",  # ar
    "版权所有",  # zh
    "著作権",  # ja
    "©",
)
_COPYRIGHT_ANYWHERE = regex.compile(
    r"\b(?:alle\s+rechte\s+vorbehalten|tous\s+droits\s+r[ée]serv[ée]s|"
    r"todos\s+(?:los|os)\s+(?:derechos|direitos)\s+reservados|tutti\s+i\s+diritti\s+riservati|"
    r"alle\s+rechten\s+voorbehouden|wszelkie\s+prawa\s+zastrzeżone|все\s+права\s+защищены|"
    r"tüm\s+hakları\s+saklıdır|(?:جميع\s+)?الحقوق\s+محفوظة)"
    r"|版权所有|©\s{0,2}(?:19|20)\d\d\b|\b(?:19|20)\d\d\s{0,2}©",
    _I,
)
_BYLINE = regex.compile(
    r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or)\s{1,2}[A-ZÀ-Þ][\w.'\-]{0,30},?"
    r"(?:\s{1,2}(?:[A-ZÀ-Þ][\w.'\-]{0,30},?|and|&|"
    r"de|van|von|der|da|el|al|bin|[|,]))"
    r"{0,8}$"
)

# -------------------------------------------------------- pre-title labels
_PRE_TITLE = regex.compile(
    r"^(?:opinion|analysis|comment|commentary|editorial|watch|video|videos|listen|audio|photos?|"
    r"gallery|in\s+pictures|podcast|explainer|exclusive|interview|feature|review|live|"
    r"live\s+updates|breaking|breaking\s+news|fact\s+check|sponsored|partner\s+content|"
    r"advertorial|infographic|quiz|poll|long\s+read|in\s+depth|"
    r"perspective|column|letters?|blog|newsletter)\s{0,2}[:|–—]\s{0,3}(?=\S)",
    _I,
)

_TERMINAL = frozenset('.!?:;…。！？"”’»)]')


def word_count(s: str) -> int:
    """Words separated by whitespace (fast: no regex)."""
    return len(s.split())


def ends_sentence(s: str) -> bool:
    """Whether the stripped line ends with sentence punctuation or a closing quote."""
    return bool(s) and s[-1] in _TERMINAL


def is_headline_like(s: str) -> bool:
    """A short line that reads as a title: at most 20 words, starts with a capital
    or digit, and does not end with a full stop (titles may end in ? or !)."""
    if not s or len(s) > 160:
        return False
    n = word_count(s)
    if n > 20:
        return False
    first = s[0]
    if not (first.isupper() or first.isdigit() or first in "“\"‘'"):
        return False
    return s[-1] not in ".:;,"


def is_truncated(s: str) -> bool:
    """A teaser cut mid-sentence: ends with a letter or digit, or with an ellipsis."""
    if not s:
        return False
    if s.endswith(("...", "…", "[…]", "[...]")):
        return True
    return s[-1].isalnum()


_TRAILING_BY = regex.compile(r"\sby\s[A-Z][\w.'-]{0,30}(?:\s[A-Z][\w.'-]{0,30}){0,3}$")


def age_stamp(s: str, timeout: float) -> bool:
    return len(s) <= 60 and _match(_AGE, s, timeout) is not None


def date_stamp(s: str, timeout: float) -> bool:
    """A line made only of a date, a time and date words ("January 29, 2023 at 3:24 pm")."""
    if len(s) > 90 or word_count(s) > 14:
        return False
    m = _search(_TRAILING_BY, s, timeout)
    if m is not None:
        s = s[: m.start()]
    # The token run first: it rejects almost every line at its first word,
    # while the month alternation of _DATE_CORE is slow to search.
    try:
        if _DATE_LINE.fullmatch(s.rstrip("."), timeout=timeout) is None:
            return False
    except TimeoutError:
        return False
    return _search(_DATE_CORE, s, timeout) is not None


# Anchored rules, in precedence order: (pattern, max words, reason, explanation).
_HEAD_RULES: tuple[tuple[regex.Pattern[str], int, str, str], ...] = (
    (_LINK_LEAD, 30, "read_more_link", "a link lead ('Read more:', 'Also read;') + headline"),
    (_ALSO_ON_SITE, 40, "read_more_link", "a link lead naming a site ('Also on rt.com ...')"),
    (_COVERAGE_URL, 20, "read_more_link", "a pointer to more coverage at a URL"),
    (_POSTED_BY, 25, "byline", "post metadata ('Posted by ...', 'Publicado por: ...')"),
    (_PITCH, 40, "subscribe", "a subscription pitch with a price"),
    (_READ_MORE_ALONE, 8, "read_more_link", "a bare 'read more' / 'continue reading' link"),
    (_RELATED_HEADER, 6, "related_header", "a 'Related' / 'Most read' box heading"),
)
_LATE_HEAD_RULES: tuple[tuple[regex.Pattern[str], int, str, str], ...] = (
    (_SOCIAL, 12, "social_share", "a share / follow / comment button text"),
    (_SUBSCRIBE, 25, "subscribe", "a subscribe / sign-up / newsletter prompt"),
    (_ADVERT, 8, "advertisement", "an advertisement marker"),
)
# Gate: most lines are prose and match no rule; deciding that with one set
# lookup instead of twenty regex calls is what makes the filter run at tens of
# MB/s. A line can only match an anchored rule if its first word is one of
# these (or it starts with a digit or a symbol), and an unanchored rule only if
# it contains one of _TAIL_KEYS. tests/test_boilerplate_rules.py checks that
# the gated and ungated rule chains agree on every example.
_FIRST_WORDS = frozenset(
    """
    read more also must related recommended further don't dont don’t trending top suggested à
    lire voir lisez lesen mehr auch leer lee ver te leia veja leggi lees czytaj читайте اقرأ
    ayrıca devamını continue keep click full weiterlesen view latest popular most editor's
    editor’s editors up next previous other recent explore just yesterday today moments getty
    reuters afp ap epa shutterstock istock istockphoto alamy photo photograph image picture
    credit foto file caption illustration source pictured media share tweet pin email e-mail
    print whatsapp whats facebook twitter x linkedin pinterest reddit telegram flipboard
    messenger copy link copied comments comment show leave add follow like join subscribe sign
    log login register create our free newsletter already become support want download enter
    advertisement advertising sponsored ad ads promoted paid story scroll article skip close ©
    c copyright find connect tap listen itunes spotify have tell reporting writing editing
    research graphics production additional compiled sources filed tag tags tagged categories
    category topic topics keywords estimated reading tempo temps tiempo lesezeit reach contact
    by von par por opinion analysis commentary editorial watch video videos audio photos
    gallery podcast explainer exclusive interview feature review live breaking fact partner
    advertorial infographic quiz poll long perspective column letter letters blog write get
    posted published publicado publicada publié publiée pubblicato veröffentlicht written
    """.split()
)
# Common first words that start a rule only as part of a phrase.
_PHRASE_HEADS = frozenset("in a this if apple google you see get what".split())
_PHRASES = (
    "in other",
    "in case you",
    "in pictures",
    "in depth",
    "a lire",
    "this copy",
    "if you enjoyed",
    "if you liked",
    "if you value",
    "apple podcasts",
    "google podcasts",
    "you may also",
    "you might also",
    "see also",
    "see more",
    "see all",
    "get the latest",
    "get latest",
    "get the breaking",
    "get breaking",
    "get the app",
    "what to read",
)
_TAIL_KEYS: tuple[str, ...] = (
    "cookie",
    "newsletter",
    "inbox",
    "alert",
    "podcast",
    "contributed",
    "reserved",
    "to tweet",
    "share it",
    "share this",
    "@",
    "follow us",
    " ago",
    "lire aussi",
    "©",
    "courtesy",
)
_TAIL_KEYS += tuple(k for k in _RIGHTS_RESERVED if k not in _TAIL_KEYS)
_RIGHTS_TAILS = frozenset(_RIGHTS_RESERVED)
_ALL_TAILS = frozenset(_TAIL_KEYS)
_DIGIT = regex.compile(r"\d")
_FOLLOW_TAILS = frozenset({"to tweet", "share it", "share this"})
_NEWSLETTER_TAILS = frozenset({"newsletter", "inbox", "alert", "podcast"})
_LEAD_STRIP = "[(-–—•·|*> \t\"'“‘«"
_WORD_STRIP = ":;|,.!?…»>)]"
SHORT_WORDS = 40


# The union of every anchored rule: a line that fails it matches none of them.
# Built from the rule patterns, so it cannot drift from them.
_ANCHORED = (
    _LINK_LEAD,
    _ALSO_ON_SITE,
    _COVERAGE_URL,
    _POSTED_BY,
    _PITCH,
    _READ_MORE_ALONE,
    _RELATED_HEADER,
    _AGE,
    _CREDIT_ALONE,
    _CAPTION_LEAD,
    _SOCIAL,
    _SUBSCRIBE,
    _ADVERT,
    _COPYRIGHT,
    _FOLLOW,
    _PROMO,
    _CREDITS,
    _TAGS,
    _READING_TIME,
    _CONTACT,
    _BYLINE,
    _PRE_TITLE,
)
_ANCHORED_UNION = regex.compile("|".join(f"(?:{p.pattern})" for p in _ANCHORED), _I)


def _head_ok(s: str, low: str) -> bool:
    """Whether an anchored rule could match: the first word (after brackets,
    bullets and quotes) is a rule word, or the line starts with a digit or symbol."""
    body = s.lstrip(_LEAD_STRIP)
    if not body:
        return True
    first = body[0]
    if not first.isalpha():
        return True  # digits (stamps, "12 comments"), ©, emoji, other symbols
    words = low.lstrip(_LEAD_STRIP).split(None, 4)
    head = words[0].rstrip(_WORD_STRIP)
    if head in _FIRST_WORDS:
        return True
    return head in _PHRASE_HEADS and " ".join(words[:4]).startswith(_PHRASES)


def line_rule(
    s: str, n_words: int, timeout: float, position: int, gate: bool = True
) -> RuleHit | None:
    """The reason the stripped line ``s`` is boilerplate on its own, or ``None``.

    ``position`` is the index of the line among the document's non-blank lines
    (taglines are only looked for near the top). ``gate=False`` runs every
    rule regardless of the cheap pre-checks (tests use it to show the gate
    never hides a match).
    """
    if (s[0] == "[" or s[-1] == "]") and _search(_SHORTCODE, s, timeout) is not None:
        return RuleHit("markup_residue", "unrendered CMS markup ('[button link=...]...[/button]')")
    if n_words > SHORT_WORDS:
        return _long_line_rule(s, timeout) or _long_promo(s, n_words, timeout)
    if not gate:
        head = True
        tails: frozenset[str] | set[str] = _ALL_TAILS
        digit = True
    else:
        low = s.lower()
        # Two steps: a set lookup on the first word, then (for the ~10 % of
        # lines that pass) one call to the union of the anchored rules, instead
        # of up to twenty calls.
        head = _head_ok(s, low) and _match(_ANCHORED_UNION, s, timeout) is not None
        # Plain substring tests: ~1 µs, where one regex alternation of the keys takes ~10 µs.
        tails = {k for k in _TAIL_KEYS if k in low}
        digit = n_words <= 14 and _DIGIT.search(s) is not None
        if not (
            head
            or tails
            or digit
            or position < 4  # taglines
            or s[-1] in "]|"
            or (n_words <= 10 and "/" in s)
        ):
            return _long_line_rule(s, timeout)
    if head:
        for pattern, max_words, reason, rule in _HEAD_RULES:
            if n_words <= max_words and _match(pattern, s, timeout) is not None:
                return RuleHit(reason, rule)
    if (head or digit or " ago" in tails) and n_words <= 8 and age_stamp(s, timeout):
        return RuleHit("age_stamp", "a relative age stamp ('2 years ago') on its own line")
    if digit and date_stamp(s, timeout):
        return RuleHit("date_stamp", "only a date / time on the line")
    if (head or "/" in s) and n_words <= 10 and _search(_CREDIT_ALONE, s, timeout) is not None:
        return RuleHit("caption", "a photo credit on its own line")
    if head and _match(_CAPTION_LEAD, s, timeout) is not None:
        return RuleHit("caption", "a line introduced as a photo caption or credit")
    if (
        ("©" in tails or "courtesy" in tails)
        and n_words <= 25
        and _search(_PHOTO_CREDIT, s, timeout) is not None
    ):
        return RuleHit("caption", "a caption carrying a photo credit ('photos © Agency')")
    hit = _long_line_rule(s, timeout)
    if hit is not None:
        return hit
    if (
        position < 4
        and n_words <= 8
        and not ends_sentence(s)
        and _search(_TAGLINE, s, timeout) is not None
    ):
        return RuleHit("site_tagline", "a site slogan near the top ('... since 2009')")
    if head:
        for pattern, max_words, reason, rule in _LATE_HEAD_RULES:
            if n_words <= max_words and _match(pattern, s, timeout) is not None:
                return RuleHit(reason, rule)
    if "cookie" in tails and _search(_COOKIE, s, timeout) is not None:
        return RuleHit("cookie_notice", "a cookie notice")
    if (
        (head or "reserved" in tails)
        and n_words <= 25
        and _search(_COPYRIGHT, s, timeout) is not None
    ) or (
        tails & _RIGHTS_TAILS
        and n_words <= 25
        and _search(_COPYRIGHT_ANYWHERE, s, timeout) is not None
    ):
        return RuleHit("copyright", "a copyright / all-rights-reserved notice")
    if n_words <= 30 and s[-1] in "]|" and _search(_TAGGED_LINK, s, timeout) is not None:
        return RuleHit("read_more_link", "a related-story link tagged '[VIDEO]' / '[INSIGHT]'")
    if (head or tails & _FOLLOW_TAILS) and _search(_FOLLOW, s, timeout) is not None:
        return RuleHit("social_share", "a follow-us / share prompt")
    if head and _match(_PROMO, s, timeout) is not None:
        return RuleHit("subscribe", "a promotion / call to action ('Click here', 'Listen: url')")
    if (
        tails & _NEWSLETTER_TAILS
        and _search(_NEWSLETTER_VERB, s, timeout) is not None
        and _search(_NEWSLETTER_WHAT, s, timeout) is not None
        and _match(_STEP, s, timeout) is None
    ):
        return RuleHit("subscribe", "a newsletter / inbox sign-up pitch")
    if (head or "contributed" in tails) and _search(_CREDITS, s, timeout) is not None:
        return RuleHit("credits", "reporting / editing credits or a source line")
    if head and n_words <= 30 and _match(_TAGS, s, timeout) is not None:
        return RuleHit("tags", "a tags / filed-under line")
    if head and n_words <= 8 and _match(_READING_TIME, s, timeout) is not None:
        return RuleHit("reading_time", "a reading-time estimate")
    if (head or "@" in tails) and n_words <= 30 and _match(_CONTACT, s, timeout) is not None:
        return RuleHit("author_contact", "an author's e-mail / contact line")
    if n_words == 1 and "/" in s and _match(_SOCIAL_URL, s, timeout) is not None:
        return RuleHit("author_contact", "only a social-network profile URL ('twitter.com/name')")
    if (
        "@" in tails
        and _search(_FEEDBACK, s, timeout) is not None
        and _search(_EMAIL, s, timeout) is not None
    ):
        return RuleHit("author_contact", "an invitation to write to the newsroom, with its e-mail")
    if "follow us" in tails and _search(_FOLLOW_US_TAIL, s, timeout) is not None:
        return RuleHit(
            "social_share", "a line closed by a follow-us prompt ('Follow us on Twitter')"
        )
    if head and n_words <= 10 and _match(_BYLINE, s, timeout) is not None:
        return RuleHit("byline", "an author byline ('By Jane Doe')")
    if head and n_words <= 24 and not s.endswith("."):
        m = _match(_PRE_TITLE, s, timeout)
        if m is not None and is_headline_like(s[m.end() :]):
            return RuleHit(
                "pre_title_label", "a section label before another story's headline ('OPINION:')"
            )
    return None


_LONG_PROMO_WORDS = 120
_LONG_PROMO_HEADS = ("get ", "join ", "subscribe", "if you ", "this copy", "follow ")


def _long_promo(s: str, n_words: int, timeout: float) -> RuleHit | None:
    """Promotions too long for the short-line rules, recognised by their lead only:
    "If you enjoyed this article, we have a proposition for you: Join NRPLUS. ...",
    "Follow @BGRDeals on Twitter to keep up with the latest deals. ...". A long
    paragraph merely starting with "Follow" or "Like" and naming Twitter stays."""
    if n_words > _LONG_PROMO_WORDS or not s[:10].lower().startswith(_LONG_PROMO_HEADS):
        return None
    if _match(_LONG_PROMO, s, timeout) is not None or _match(_PITCH, s, timeout) is not None:
        return RuleHit("subscribe", "a long promotion ('If you enjoyed this article, ...')")
    if _match(_LONG_FOLLOW, s, timeout) is not None:
        return RuleHit("social_share", "a long follow-us prompt ('Follow @site on Twitter ...')")
    return None


# Longer "[x / y]"-ended lines are paragraphs: the longest such caption in
# AEB's extracted text has 27 words.
_BRACKET_CAPTION_MAX_WORDS = 30


def _long_line_rule(s: str, timeout: float) -> RuleHit | None:
    """Rules that also apply to long lines: captions with an agency credit."""
    # Table cells come out as "| cell text |": the pipes are not part of a caption.
    core = s.strip("| ") if s[-1:] == "|" else s
    last = core[-1] if core else ""
    tail_bracket = last in "])" or (len(core) > 1 and core[-2] in "])")
    # A "[x / y]" caption is short: a long paragraph ending in one ("... [MPH
    # SP / MP2 SP / MP3 SP]" source tags) is content.
    if tail_bracket and (
        _search(_CAPTION_BRACKET, core[-250:], timeout) is not None
        or (
            word_count(core) <= _BRACKET_CAPTION_MAX_WORDS
            and _search(_SLASH_BRACKET, core[-250:], timeout) is not None
        )
    ):
        return RuleHit("caption", "ends with a photo credit ('[Agency/Agency]', '(AP Photo/..)')")
    return None


def dateline_end(s: str, timeout: float) -> int | None:
    """Where the dateline prefix of the stripped line ends ("WASHINGTON (AP) — "), or None.

    No longer a cut of its own: cutting the prefix lost F1 on both AEB and
    trafilatura-dev, HTML and plain text (benchmarks/html_peers.py,
    train_line_model.py), so a story's lead keeps it; a run of dateline
    headlines still goes as ``related_stub`` (boxes.mark_dateline_headlines).
    """
    # Datelines start with an all-caps place or carry "(Agency)" early.
    if s[:1].isupper() and (s[1:2].isupper() or "(" in s[:120]):
        m = _match(_DATELINE, s[:120], timeout)
        if m is not None and word_count(s) >= 6:
            return m.end()
    return None
