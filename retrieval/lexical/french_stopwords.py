"""French stop words, accent-folded: the Snowball list plus question and filler words."""

from __future__ import annotations

_SNOWBALL = """
au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes
moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un
une vos votre vous c d j l a m n s t y ete etee etees etes etant etante etants etantes suis es est
sommes sont serai seras sera serons serez seront serais serait serions seriez seraient etais etait
etions etiez etaient fus fut fumes futes furent sois soit soyons soyez soient fusse fusses
fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai as avons avez ont aurai
auras aura aurons aurez auront aurais aurait aurions auriez auraient avais avait avions aviez
avaient eut eumes eutes eurent aie aies ait ayons ayez aient eusse eusses eussions eussiez eussent
"""

_QUESTIONS_AND_FILLERS = """
quel quelle quels quelles lequel laquelle lesquels lesquelles comment pourquoi quoi quand combien
cela ca ceci celui celle celles ceux cet cette dont si alors donc car comme aussi tres bien
faut peut peuvent dois doit doivent puis peux veut veux voudrais faire svp stp merci bonjour
etc vs
"""

# Conversation around the question ("pouvez-vous m'expliquer…", "c koi", "exactement").
_CONVERSATION = """
pouvez pourriez pourrais pourrait pouvons expliquer expliquez explique dire dites savoir sais
voudrions aimerais aimerions besoin salut hello coucou ok oui question questions exactement
vraiment concretement svp stp koi kesako cad tjs ya aujourd hui
"""

STOP_WORDS = frozenset((_SNOWBALL + _QUESTIONS_AND_FILLERS + _CONVERSATION).split())
