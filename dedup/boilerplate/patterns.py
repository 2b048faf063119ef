"""The line rules as data: regex sources and one table, from which :mod:`.rules` builds the chain.

Plain strings only, nothing compiled at import: ``dedup.config`` reaches
:mod:`.reasons` without loading ``regex``, and the table can be read, listed
(benchmarks/plain_rules.py) and checked against :data:`.reasons.REASONS` by a
test without running a rule. As trafilatura keeps its XPath expressions apart
from its extraction cascade, the patterns live here and the order, gates and
word limits they run under live in :data:`TABLE`.

All patterns are linear by construction (no nested quantifiers, bounded
repetitions) and every matching call carries the configured timeout, so a
hostile line can never stall a worker (tests/test_regex_safety.py).
"""

from __future__ import annotations

# --------------------------------------------------------------- link leads
# "Read more: headline", "Also read; headline", "Lire aussi | titre", ...
LEADS = "|".join(
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
LINK_LEAD = (
    rf"^[\[(]?\s{{0,2}}(?:{LEADS})(?:\s(?:su|on|en|sur|auf|em))?"
    r"\s{0,3}[:;|\-–—»>]{1,3}\s{0,3}\S"
)
# Related-story links flagged by a trailing tag: "China furious at Macron [INSIGHT]".
TAGGED_LINK = (
    r"\s\[(?:[A-Z]{3,12}(?:\s[A-Z]{2,12})?|(?i:video|videos|photos?|gallery|pics|watch|poll))\]"
    r"\s{0,2}\|?$"
)
# The whole line is a "read more" link with no headline.
READ_MORE_ALONE = (
    r"^(?:\[?\s{0,2}(?:read\s+more|read\s+the\s+(?:full|whole|rest)(?:\s+(?:story|article|report))?|"
    r"read\s+full\s+(?:story|article)|continue\s+reading|keep\s+reading|click\s+here\s+to\s+read"
    r"(?:\s+more)?|full\s+story|lire\s+la\s+suite|weiterlesen|leer\s+más|leia\s+mais|"
    r"view\s+(?:more|all)|see\s+(?:more|all))(?:\s+(?:here|on\s+[\w.]{1,30}|about\s+[\w ]{1,40}))?"
    r"\s{0,2}[.:»>…\]→]{0,4}\s{0,2}\]?)$"
)
# A pointer to more coverage at a URL: "Follow AP's full coverage of Brexit at
# https://apnews.com/Brexit", "More AP NBA: https://apnews.com/NBA".
COVERAGE_URL = r"^(?:follow|more|read|watch|find)\b[^\n]{0,160}?\s(?:https?://|www\.)\S{1,200}$"
# "Also on rt.com Journalists & politicians threatened..." (a site's own link lead).
ALSO_ON_SITE = r"^also\s+on\s+[\w-]{1,40}(?:\.[\w-]{1,20}){1,3}\s"
RELATED_HEADER = (
    rf"^(?:{LEADS}|more\s+(?:stories|news|articles)|latest\s+(?:news|stories|articles)|"
    r"popular(?:\s+(?:now|stories|articles))?|most\s+(?:read|popular|viewed|shared)|"
    r"in\s+(?:other|case\s+you\s+missed)\s*\w*|editor'?s\s+picks?|what\s+to\s+read\s+next|"
    r"read\s+next|up\s+next|next\s+(?:story|article)|previous\s+(?:story|article)|"
    r"other\s+stories|recent\s+posts?|explore\s+further|also|more|"
    r"(?:most\s+read|popular|trending|latest)\s+(?:in|on|from)\s+[\w ]{1,30})"
    r"\s{0,2}(?:[:»>]|\.\.\.|…)?$"
)

# ------------------------------------------------------------- date stamps
NUM = r"(?:\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several)"
UNIT = (
    r"(?:seconds?|secs?|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|"
    r"years?|yrs?|y)"
)
AGE = (
    r"^(?:(?:updated|posted|published|edited|modified|last\s+updated)\s{0,2}:?\s{0,2})?"
    rf"(?:about\s+|over\s+|almost\s+|nearly\s+|more\s+than\s+)?{NUM}\s{{0,2}}{UNIT}\.?\s+ago\.?$"
    r"|^(?:just\s+now|yesterday|today|moments\s+ago)$"
    r"|^il\s+y\s+a\s+\d{1,4}\s+(?:secondes?|minutes?|heures?|jours?|semaines?|mois|ans?)$"
    r"|^vor\s+\d{1,4}\s+(?:sekunden?|minuten?|stunden?|tagen?|wochen?|monaten?|jahren?)$"
    r"|^hace\s+\d{1,4}\s+(?:segundos?|minutos?|horas?|días?|semanas?|meses?|años?)$"
    r"|^há\s+\d{1,4}\s+(?:segundos?|minutos?|horas?|dias?|semanas?|meses?|anos?)$"
)
MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"januar|februar|märz|juni|juli|oktober|dezember|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro)"
)
WEEKDAYS = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
    r"sat(?:urday)?|sun(?:day)?|"
    r"(?:segunda|terça|terca|quarta|quinta|sexta)(?:-feira)?|sábado|domingo)"
)
# A line is a date stamp when it holds a date and nothing but date words.
DATE_CORE = (
    rf"\b{MONTHS}\.?\s{{0,2}}\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s{{0,2}}{MONTHS}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    rf"|\b\d{{1,2}}\s{{1,2}}de\s{{1,2}}{MONTHS}\b"
    rf"|\b{MONTHS}\.?\s{{0,2}}\d{{4}}\b"
    r"|^\W{0,3}(?:updated|published|posted|last\s+updated|modified)\b[^\n]{0,20}\d{1,2}[:.]\d{2}"
)
DATE_TOKENS = (
    rf"\b(?:{MONTHS}|{WEEKDAYS})\b\.?"
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
DATE_LINE = rf"(?>{DATE_TOKENS})++"

# ---------------------------------------------------------------- datelines
AGENCIES = (
    r"(?:AP|Reuters|AFP|UPI|dpa|DPA|IANS|PTI|Xinhua|CNN|Bloomberg|ANI|AA|Anadolu|"
    r"TASS|Interfax|EFE|ANSA|Yonhap|Kyodo|WAFA|APA|Trend|Sputnik|CNA|Bernama|NNA|KUNA|SPA|WAM|"
    r"IRNA|ISNA|Tasnim|RIA|Ukrinform|PAP|BNS|RTT|Saba|QNA|MENA|BSS|UNB|APP|NAN|GNA|KNA|"
    r"Al\s+Jazeera|The\s+Associated\s+Press|Associated\s+Press|Agencies)"
)
DATELINE = (
    r"^(?:[A-ZÀ-Þ][A-ZÀ-Þ.'\-]{1,25}(?:\s[A-ZÀ-Þ][A-ZÀ-Þ.'\-]{0,25}){0,3}"
    r"(?:,\s[A-Z][\w.'\-]{1,25}(?:\s[A-Z][\w.'\-]{1,25}){0,2})?"
    rf"(?:\s{{0,2}}\({AGENCIES}\))?\s{{0,2}}[—–-]{{1,2}}\s{{1,3}}"
    # "Moscow, Jan 5 (Reuters) - ", "Baku (AFP) - "
    r"|[A-Z][\w.'\-]{1,25}(?:\s[A-Z][\w.'\-]{1,25}){0,2}"
    r"(?:,\s[\w.'\-]{1,25}(?:\s[\w.'\-]{1,25}){0,3})?"
    rf"\s{{0,2}}\({AGENCIES}\)\s{{0,2}}[—–:-]{{1,2}}\s{{1,3}})"
    r"(?=\S)"
)

# ------------------------------------------------------------------ captions
# "[Agency/Photographer]" at the end of a line; also source tags that end a
# paragraph ("... [MPH SP / MP2 SP / MP3 SP]"), so a long line with it is content.
SLASH_BRACKET = r"\[[^\[\]\n]{2,80}/[^\[\]\n]{2,80}\]\s{0,2}$"
# A bracket naming a photo or an agency: a caption, however long (agency
# captions run to 100 words: "WASHINGTON, DC - NOVEMBER 19: ... (Photo by
# Chip Somodevilla/Getty Images)").
CAPTION_BRACKET = (
    r"\[[^\[\]\n]{0,60}\b(?:photo|file|getty|reuters|afp|ap|agency|images?|credit|pool|"
    r"handout|epa|shutterstock|via)\b[^\[\]\n]{0,60}\]\s{0,2}$"
    r"|\((?:AP\s+Photo|Photo|Photograph|Image|Picture|Credit|Foto|File\s+photo|Getty)"
    r"[^()\n]{0,100}\)\s{0,2}$"
)
CAPTION_LEAD = (
    r"^(?:photo|photograph|image|picture|credit|foto|file\s+photo|photo\s+credit|image\s+source|"
    r"image\s+caption|media\s+caption|caption|illustration|source\s+image|pictured)"
    r"\s{0,2}(?:by\s|[:,|]|-\s)"
)
CREDIT_ALONE = (
    r"^(?:\(?(?:getty\s+images|reuters|afp|ap|epa|shutterstock|istock(?:photo)?|alamy|"
    r"afp\s+via\s+getty\s+images|ap\s+photo)\)?)$"
    r"|^[\w.' \-]{2,60}/(?:getty\s+images|reuters|afp|ap|epa|shutterstock|istock|alamy|"
    r"anadolu(?:\s+agency)?|bloomberg|pool)\)?$"
)

# ------------------------------------------------------------------ taglines
TAGLINE = (
    r"\b(?:since|est\.?|established(?:\s+in)?|founded(?:\s+in)?|serving\s+[\w ]{1,30}since)"
    r"\s(?:in\s)?(?:1[6-9]|20)\d\d$"
)

# ------------------------------------------------------- share / subscribe / ads
SOCIAL = (
    r"^(?:share(?:\s+(?:this|the|on|via|article|story|post|page|to)[\w ]{0,40})?|tweet(?:\s+this)?|"
    r"pin(?:\s+it)?|e-?mail(?:\s+(?:this|article|story))?|print(?:\s+(?:this|article|story))?|"
    r"whats\s?app|facebook|twitter|x|linkedin|pinterest|reddit|telegram|flipboard|messenger|"
    r"copy\s+(?:link|url)|link\s+copied|copied|comments?|\d{1,6}\s+comments?|"
    r"view\s+comments|show\s+comments|leave\s+a\s+(?:comment|reply)|add\s+a\s+comment|"
    r"follow\s+(?:us|me|@[\w.]{1,30})(?:\s+on\s[\w ,&]{1,60})?|like\s+us\s+on\s+facebook|"
    r"join\s+(?:us|the\s+conversation)(?:\s+on\s[\w ,&]{1,60})?|"
    r"(?:facebook|twitter|linkedin|email|whatsapp|share|print)(?:\s{0,2}[|,/·•]\s{0,2}"
    r"(?:facebook|twitter|linkedin|email|whatsapp|share|print|reddit|pinterest|telegram|x))+"
    r")\s{0,2}[.!:]?$"
)
# Short prose that only sells a newsletter: needs both a verb and a channel.
NEWSLETTER_VERB = r"\b(?:sign(?:ing)?\s+up|subscrib(?:e|ing)|delivered|join)\b"
# A numbered how-to step ("Step 3: Confirm the link delivered to your inbox",
# "2. Subscribe to the podcast in your app") says what to do, it sells nothing.
STEP = r"(?:step\s{0,2}\d{1,2}\b|\d{1,2}[.)]\s)"
NEWSLETTER_WHAT = r"\b(?:newsletters?|inbox|e-?mail\s+alerts?|podcast)\b"
PROMO = (
    r"^(?:if\s+you\s+(?:enjoyed|liked|value)\s+this|click\s+here\b|tap\s+here\b|"
    r"(?:listen|download|itunes|spotify|apple\s+podcasts|google\s+podcasts)\s{0,2}:\s{0,2}https?://|"
    r"this\s+copy\s+is\s+for\s+your\s+personal|have\s+a\s+(?:news\s+)?tip\b|"
    r"tell\s+us\s+what\s+you\s+think|like\s+this\s+(?:story|article)\b|"
    # A radio / podcast promo: "Listen to Newsbeat live at 12:45 and 17:45
    # weekdays - or listen back here", "Listen to the full episode on Spotify".
    r"listen\b[^\n]{0,120}?(?:\blive\s+(?:at|from)\s+\d{1,2}[:.]\d\d|\blisten\s+(?:back|again)\b|"
    r"\bon\s+(?:bbc\s+sounds|apple\s+podcasts|google\s+podcasts|spotify|itunes|soundcloud)\b))"
)
FOLLOW = (
    r"^(?:follow|find|connect\s+with|like)\b[^\n]{0,200}?"
    r"(?:\b(?:twitter|facebook|instagram|youtube|linkedin|tiktok|threads|bluesky|mastodon)\b|\s@\w)"
    r"|\bclick\s+to\s+tweet$|\bshare\s+(?:it|this)\s+with\b"
)
CREDITS = (
    r"^\(?\s{0,2}(?:(?:additional\s+)?(?:reporting|writing|editing|research|graphics|"
    r"production)\s+by\b|compiled\s+by\b|source\s{0,2}:|sources\s{0,2}:|"
    r"\w[\w.'’ -]{0,80}\s(?:writers?|correspondents?|reporters?)\s[\w.'’, -]{0,300}"
    r"contributed\b)"
    r"|\bcontributed\s+(?:reporting|to\s+this\s+(?:report|story|article))\b[^\n]{0,60}$"
)
TAGS = (
    r"^(?:filed\s+under|tags?|tagged(?:\s+with)?|categories|category|topics?|keywords)"
    r"(?:\s{0,2}[:|]|$)"
)
READING_TIME = (
    r"^(?:(?:estimated\s+)?(?:reading|read)\s+time|tempo\s+de\s+leitura|temps\s+de\s+lecture|"
    r"tiempo\s+de\s+lectura|lesezeit)\s{0,2}:?\s{0,2}\d"
    r"|^\d{1,3}\s{0,2}(?:-\s{0,2})?min(?:ute)?s?\.?\s+(?:read|de\s+leitura|de\s+lectura|lesezeit)$"
)
CONTACT = (
    r"^[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}$"
    r"|^(?:reach|contact|email|e-mail|write\s+to)\s+(?:the\s+)?(?:reporters?|writers?|authors?|[A-Z][\w'-]{1,30}"
    r"(?:\s[A-Z][\w'-]{1,30}){0,2})\s(?:at|on|via)\b"
)
SUBSCRIBE = (
    r"^(?:subscribe\b|sign\s+up\b|sign\s+in\b|log\s+in\b|login\b|register\b|create\s+(?:a\s+)?"
    r"free\s+account|get\s+(?:our|the)\s+[\w ]{0,30}newsletter|(?:our|the|free)\s+[\w ]{0,30}"
    r"newsletter\b|newsletter\b|already\s+a\s+subscriber|become\s+a\s+(?:member|subscriber)|"
    r"support\s+(?:our|independent)\s+journalism|get\s+(?:the\s+)?(?:latest|breaking)\s+news"
    r"|want\s+more\b|download\s+(?:our|the)\s+app\b|get\s+the\s+app\b|enter\s+your\s+email)"
)
# A subscription pitch with a price: "Get Motor Cycle Monthly delivered through
# your letterbox every month. 12 issues for £11.99."
PITCH = (
    r"^(?:get|join|subscribe)\b[^\n]{0,200}?\b(?:subscri\w{0,12}|issues|membership|letterbox|"
    r"delivered)\b[^\n]{0,200}?(?:[£$€₹]\s?|\brs\.?\s)\d"
)
# Leads that make even a long line a promotion.
LONG_PROMO = (
    r"^(?:if\s+you\s+(?:enjoyed|liked|value)\s+this\s+(?:article|story|post|piece|content)\b|"
    r"this\s+copy\s+is\s+for\s+your\s+personal\b)"
)
LONG_FOLLOW = (
    r"^follow\s+(?:us|me|@\w{1,30})\s+on\s+(?:twitter|facebook|instagram|x|linkedin|youtube)\b"
)
# A line closed by the site's follow-us prompt: "Mike Wall's book ... is out
# now. Follow him on Twitter @michaeldwall. Follow us on Twitter @Spacedotcom
# or Facebook." (an author bio). Only "follow us" as the last sentence.
FOLLOW_US_TAIL = (
    r"(?:^|[.!?]\s{1,3})follow\s+us\s+(?:on\s+|at\s+)?(?:@\w{1,30}|twitter|facebook|instagram|x|"
    r"linkedin|youtube|tiktok|threads|bluesky)\b[^.!?\n]{0,100}[.!]?$"
)
# A line that is only a social-network profile: "twitter.com/paultakahashi".
SOCIAL_URL = (
    r"^(?:https?://)?(?:www\.)?(?:twitter|x|facebook|instagram|linkedin|tiktok|youtube|threads|"
    r"pinterest)\.(?:com|net)/(?:in/|@)?[\w.-]{1,60}/?$"
)
# An invitation to write to the newsroom that carries its address: "We'd like
# to hear what you think about this or any of our articles. ... And here's our
# email: letters@nytimes.com."
FEEDBACK = (
    r"\b(?:we(?:['’]d|\s+would)\s+(?:like|love)\s+to\s+hear\b|letters?\s+to\s+the\s+editor\b|"
    r"send\s+(?:us\s+)?(?:your\s+)?(?:letters?|tips?|feedback|comments)\s+to\b|"
    r"(?:email|e-mail|write\s+to)\s+us\s+at\b)"
)
EMAIL = r"[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,63}"
# Unrendered CMS markup: a WordPress shortcode opening the line with
# attributes ("[button link=... type=big] Send us YOUR kit review[/button]")
# or a closing shortcode ending it.
SHORTCODE = r"^\[[a-z][\w-]{0,30}\s[a-z_][\w-]{0,30}\s{0,2}=|\[/[a-z][\w-]{0,30}\]$"
# A photo credit inside a short line: "installation views, photos © Inexhibit, 2018".
PHOTO_CREDIT = r"\b(?:photos?|fotos?|images?|pictures?|photography)\s{0,2}(?:©|\(c\)|courtesy\b)"
# Post metadata: "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde".
# Not a sentence ending in a full stop ("Published by Penguin in 1962, the
# novel sold a million copies." is content).
POSTED_BY = (
    r"^(?![^\n]{0,400}\.$)(?:\d[\d/.-]{5,12}\s{0,2}[-–|·]\s{0,2})?(?:posted|published|publicado|publicada|publié|"
    r"publiée|pubblicato|veröffentlicht|written)\s{1,2}(?:by|por|par|da|von|em)\b"
)
COOKIE = (
    r"\b(?:we\s+use\s+cookies|this\s+(?:site|website)\s+uses\s+cookies|accept\s+(?:all\s+)?"
    r"cookies|cookie\s+(?:policy|settings|preferences|consent)|manage\s+cookies)\b"
)
ADVERT = (
    r"^(?:advertisement|advertising|sponsored(?:\s+content)?|ad|ads|promoted(?:\s+content)?|"
    r"paid\s+(?:content|post)|story\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?"
    r"(?:advertisement|ad))?|continue\s+reading\s+(?:the\s+main\s+story|below)|"
    r"scroll\s+to\s+continue(?:\s+with\s+content)?|article\s+continues\s+(?:below|after)"
    r"(?:\s+(?:this\s+)?(?:advertisement|ad))?|skip\s+advert(?:isement)?|close\s+ad)"
    r"\s{0,2}[.:]?$"
)
COPYRIGHT = (
    r"^(?:©|\(c\)|copyright\s{0,2}(?:©|\(c\)|\d{4}\b|$)|all\s+rights\s+reserved\b)"
    r"|^copyright\s[\w.,&' -]{1,40}\b(?:19|20)\d\d\b"
    r"|\ball\s+rights\s+reserved\.?$"
)
# "All rights reserved" in other languages, anywhere in a short line, or "©"
# with a year: "جميع الحقوق محفوظة © 2024", "© 2024 Verlag GmbH. Alle Rechte
# vorbehalten". Literal phrases (an alternation without nesting): linear.
RIGHTS_RESERVED = (
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
COPYRIGHT_ANYWHERE = (
    r"\b(?:alle\s+rechte\s+vorbehalten|tous\s+droits\s+r[ée]serv[ée]s|"
    r"todos\s+(?:los|os)\s+(?:derechos|direitos)\s+reservados|tutti\s+i\s+diritti\s+riservati|"
    r"alle\s+rechten\s+voorbehouden|wszelkie\s+prawa\s+zastrzeżone|все\s+права\s+защищены|"
    r"tüm\s+hakları\s+saklıdır|(?:جميع\s+)?الحقوق\s+محفوظة)"
    r"|版权所有|©\s{0,2}(?:19|20)\d\d\b|\b(?:19|20)\d\d\s{0,2}©"
)
BYLINE = (
    r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or)\s{1,2}[A-ZÀ-Þ][\w.'\-]{0,30},?"
    r"(?:\s{1,2}(?:[A-ZÀ-Þ][\w.'\-]{0,30},?|and|&|"
    r"de|van|von|der|da|el|al|bin|[|,]))"
    r"{0,8}$"
)

# -------------------------------------------------------- pre-title labels
PRE_TITLE = (
    r"^(?:opinion|analysis|comment|commentary|editorial|watch|video|videos|listen|audio|photos?|"
    r"gallery|in\s+pictures|podcast|explainer|exclusive|interview|feature|review|live|"
    r"live\s+updates|breaking|breaking\s+news|fact\s+check|sponsored|partner\s+content|"
    r"advertorial|infographic|quiz|poll|long\s+read|in\s+depth|"
    r"perspective|column|letters?|blog|newsletter)\s{0,2}[:|–—]\s{0,3}(?=\S)"
)

TRAILING_BY = r"\sby\s[A-Z][\w.'-]{0,30}(?:\s[A-Z][\w.'-]{0,30}){0,3}$"


# Characters that make a line end a sentence (a tagline never does).
TERMINAL = '.!?:;…。！？"”’»)]'
