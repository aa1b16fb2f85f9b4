namespace Pipeline.Domain.Replies;

/// <summary>How a word or phrase bears on a decision. Phrases are matched on whole lower-case words.</summary>
internal enum Cue
{
    Interview,
    Reject,
    Hold,

    /// <summary>An opinion ("looks promising"): a decision only when an action next to it says which.</summary>
    Opinion,

    /// <summary>Undecided ("maybe", "meh", "not sure"): the candidate is asked about.</summary>
    Hedge,

    /// <summary>A condition ("if she's in London", "depends on"): asked about.</summary>
    Condition,

    /// <summary>Flips an interview word that follows ("don't interview"); on its own before a candidate, a no ("not 2").</summary>
    Negation,

    /// <summary>Decided later ("let me think", "will decide on 4"): nothing recorded, nothing asked.</summary>
    Deferral,

    /// <summary>What follows replaces what came before ("actually", "scratch that", "I meant").</summary>
    Correction,

    /// <summary>"Too", "as well": the same decision as the statement before.</summary>
    Also,

    /// <summary>"Only": the candidates not named are not taken further.</summary>
    Only,

    /// <summary>Kept for other or future roles ("keep 4 in mind for future openings"): says nothing about this one, so asked.</summary>
    Elsewhere,

    /// <summary>Adopts words that are not the manager's ("as he says", "going with Sam's view below"): asked about, never read as theirs.</summary>
    Adopts,

    /// <summary>A polite request ("could you", "pouvez-vous"): a question mark after it does not make a question.</summary>
    Request,

    /// <summary>Words to drop before anything else ("no worries", "if they're available"), so they are not read as cues.</summary>
    Noise,
}

/// <summary>
/// The words of one language that a reply parser needs, as data: decision phrases (with the verbs that typos are
/// matched against), how candidates are grouped (all, none, the rest, except), ordinals, and the markers of
/// auto-replies. English is always used; one other language is added when the reply is written in it.
/// </summary>
internal sealed record ReplyLexicon(
    string Language,
    IReadOnlyList<string> Markers,
    IReadOnlyDictionary<string, Cue> Phrases,
    IReadOnlyDictionary<string, Cue> TypoVerbs,
    IReadOnlyList<string> All,
    IReadOnlyList<string> None,
    IReadOnlyList<string> Rest,
    IReadOnlyList<string> Except,
    IReadOnlyList<string> And,
    IReadOnlyList<string> Or,
    IReadOnlyDictionary<string, int> Ordinals,
    IReadOnlyList<string> Articles,
    IReadOnlyList<string> CandidateWords,
    IReadOnlyList<string> AutoReply)
{
    public static readonly ReplyLexicon English = new(
        "en",
        ["the", "and", "to", "interview", "pass", "please", "thanks"],
        Map(
            (Cue.Interview, ["interview", "interviews", "interviewing", "intv", "int", "yes", "yes please", "yep", "yeah", "yup", "ok", "okay", "sure", "fine",
                "good to go", "go", "go for", "go ahead with", "go ahead", "let's go", "meet", "meeting", "let's see", "like to see", "want to see", "see her", "see him", "see them", "speak with", "speak to", "talk to", "chat with", "a chat",
                "a call", "set up", "set something up", "schedule", "book", "arrange", "invite", "bring in", "get in", "next round", "move forward with", "proceed with",
                "progress", "shortlist", "definitely", "absolutely", "keen on", "really keen on", "worth a conversation", "worth meeting", "good match",
                "no objection", "no objection to", "wouldn't say no", "wouldn't hurt to", "happy to", "happy with", "would love to", "i'd love to", "i'd like to", "learn more",
                "phone screen", "screen", "👍", "✅", "✔", "✓", "take forward", "work out", "working out", "will work out", "hear from", "going through"]),
            (Cue.Reject, ["no", "nope", "no thanks", "no thank you", "no thx", "thanks but no", "no go", "no to", "no for", "pass", "pass on", "pass in",
                "reject", "rejected", "decline", "declined", "skip", "drop", "not for us", "not for me", "not a fit", "isn't a fit", "not the right fit",
                "not a good fit", "isn't quite right", "not quite right", "not quite there", "not quite there yet", "not quite what we need", "not what we need",
                "don't quite have what", "doesn't have what", "not convinced", "not interested", "not moving forward", "not move forward", "won't move forward",
                "not this time", "not at this time", "not for this one", "give a miss", "a miss", "let go", "👎", "❌", "✗", "✘",
                "unfortunately not", "sadly not", "not either", "hard no"]),
            (Cue.Hold, ["hold", "on hold", "hold off", "keep on hold", "put on hold", "put on the waiting list", "keep in reserve", "leave on hold", "later", "keep warm", "keep in mind", "keep her in mind", "keep him in mind", "keep them in mind", "keep her warm", "keep him warm", "in reserve", "reserve", "backup", "back-up", "as backup",
                "waitlist", "waiting list", "wait list", "onhold", "park", "parked", "not right now", "not for now", "revisit", "wait on"]),
            (Cue.Opinion, ["good", "great", "strong", "promising", "looks promising", "interesting", "looks interesting", "impressive", "lovely", "nice",
                "looks good", "sounds good", "seems good", "like"]),
            (Cue.Hedge, ["maybe", "perhaps", "possibly", "meh", "hmm", "not sure", "unsure", "undecided", "probably", "probably not", "prefer", "whichever",
                "either", "discuss", "or not", "no idea", "no clue", "no opinion", "don't know", "no preference", "not bad", "the team's split", "🤔"]),
            (Cue.Condition, ["if", "depends", "depends on", "unless", "provided", "only if", "as long as"]),
            (Cue.Negation, ["not", "don't", "dont", "do not", "won't", "will not", "wouldn't", "can't", "cannot", "never", "rather not", "not going to", "i don't think",
                "doesn't", "isn't", "aren't", "no need to", "let's not"]),
            (Cue.Deferral, ["let me think", "let me check", "let me get back", "will get back", "get back to you", "come back to you", "will confirm", "i'll confirm",
                "will decide", "decide on", "haven't looked", "still thinking", "more time", "will review", "will reply", "forwarding to", "delegating",
                "over to you", "think it over", "sleep on it", "let me think over"]),
            (Cue.Correction, ["actually", "scratch that", "on second thought", "on second thoughts", "second thought", "i meant", "changed my mind",
                "change of plan", "mixed them up", "edit", "after all", "ignore the line above", "instead", "correction", "wait", "sorry i meant"]),
            (Cue.Also, ["too", "as well", "also"]),
            (Cue.Adopts, ["as he says", "as she says", "as they say", "as he said", "as she said", "agree with everything", "view below", "take below",
                "otherwise as", "what you suggested", "suggested below"]),
            (Cue.Elsewhere, ["for future openings", "future openings", "for future roles", "future roles", "other roles", "talent pool", "for the future"]),
            (Cue.Only, ["only"]),
            (Cue.Request, ["could you", "can you", "could we", "can we", "would you", "please could", "will you"]),
            (Cue.Noise, ["no worries", "no problem", "no rush", "no pressure", "no doubt", "at all", "if they're available", "if she's available", "if he's available",
                "if available", "no need to rush", "thank you", "thanks", "thx", "cheers", "please", "pls", "plz", "sorry", "for now", "for me", "i think",
                "i'm afraid", "unfortunately", "sadly", "regretfully", "with thanks", "in case"])),
        Map(
            (Cue.Interview, ["interview"]),
            (Cue.Reject, ["reject", "decline", "pass"]),
            (Cue.Hold, ["hold", "waitlist", "onhold"])),
        ["all", "everyone", "everybody", "all of them", "them all", "each of them", "every one", "the lot", "any of these", "any of them", "all candidates"],
        ["none", "none of them", "none of these", "no one", "nobody", "neither"],
        ["the rest", "rest", "the others", "others", "everyone else", "all the others", "the remaining", "remaining", "the other two", "the other three", "the remaining three", "the remaining two"],
        ["except", "except for", "but not", "apart from", "other than", "save for", "excluding"],
        ["and", "&", "+", ",", "n"],
        ["or"],
        new Dictionary<string, int>
        {
            ["first"] = 1, ["second"] = 2, ["third"] = 3, ["fourth"] = 4, ["fifth"] = 5, ["sixth"] = 6, ["seventh"] = 7, ["eighth"] = 8,
            ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10,
        },
        ["the"],
        ["candidate", "candidates", "cand", "number", "num", "nr", "option", "profile", "person", "#"],
        ["automatic reply", "auto-reply", "autoreply", "automated response", "out of office", "out of the office", "on annual leave", "on parental leave",
            "on leave until", "i'm on leave", "away until", "i'm away", "limited access to email", "no access to email", "checking email only",
            "will reply to messages on my return", "on my return", "when i return"]);

    public static readonly ReplyLexicon French = new(
        "fr",
        ["le", "la", "les", "et", "pour", "pas", "non", "merci", "bonjour", "entretien", "oui", "du", "rencontrer", "sauf", "aucun"],
        Map(
            (Cue.Interview, ["entretien", "entretiens", "en entretien", "oui", "ok pour", "rencontrer", "à rencontrer", "on rencontre", "on voit", "échanger avec", "d' échanger avec",
                "organisons un entretien", "ça me va", "go"]),
            (Cue.Reject, ["non", "non merci", "pas", "refus", "refusé", "non retenu", "non retenus", "ne correspondent pas", "ne correspond pas", "pas possible",
                "pas pour nous"]),
            (Cue.Hold, ["en attente", "liste d' attente", "sous le coude", "plus tard", "garde sous le coude"]),
            (Cue.Opinion, ["prometteur", "intéressant", "bien"]),
            (Cue.Hedge, ["peut-être", "pas sûr", "à voir", "on verra", "je ne sais pas"]),
            (Cue.Condition, ["s' il", "si elle", "seulement si", "à condition"]),
            (Cue.Negation, []),
            (Cue.Deferral, ["je reviens vers vous", "laissez-moi réfléchir"]),
            (Cue.Correction, ["en fait", "finalement", "je voulais dire", "correction"]),
            (Cue.Also, ["aussi", "également"]),
            (Cue.Only, ["uniquement", "seulement"]),
            (Cue.Request, ["pouvez-vous", "pourriez-vous", "pouvons-nous"]),
            (Cue.Noise, ["merci", "malheureusement", "bonne journée"])),
        Map(
            (Cue.Interview, ["entretien"]),
            (Cue.Reject, ["refus"])),
        ["tous", "toutes", "tout le monde"],
        ["aucun", "aucune", "personne"],
        ["le reste", "les autres", "les deux autres"],
        ["sauf", "à part", "excepté"],
        ["et"],
        ["ou"],
        new Dictionary<string, int>
        {
            ["premier"] = 1, ["première"] = 1, ["deuxième"] = 2, ["second"] = 2, ["seconde"] = 2, ["troisième"] = 3, ["quatrième"] = 4, ["cinquième"] = 5, ["sixième"] = 6,
        },
        ["le", "la", "les", "l'"],
        ["candidat", "candidate", "candidats", "n°", "numéro"],
        ["réponse automatique", "absent du bureau", "absente du bureau", "en congés", "sans accès à ma messagerie", "à mon retour"]);

    public static readonly ReplyLexicon German = new(
        "de",
        ["und", "nicht", "bitte", "einladen", "absage", "nr", "der", "die", "den", "ja", "nein", "mit", "außer", "gespräch"],
        Map(
            (Cue.Interview, ["einladen", "ja", "gespräch", "gespräche", "gespräch führen", "kennenlernen", "sprechen", "vorstellungsgespräch", "gerne"]),
            (Cue.Reject, ["nein", "absage", "absagen", "passt nicht", "passt leider nicht", "eher nicht", "auch nein"]),
            (Cue.Hold, ["zurückstellen", "warteliste", "wartestellung", "auf wartestellung", "parken", "später"]),
            (Cue.Opinion, ["klingt spannend", "spannend", "gut"]),
            (Cue.Hedge, ["vielleicht", "unsicher", "mal sehen", "weiß nicht"]),
            (Cue.Condition, ["wenn", "falls", "nur wenn"]),
            (Cue.Negation, ["kein", "nicht"]),
            (Cue.Deferral, ["ich melde mich"]),
            (Cue.Correction, ["ach nee", "doch lieber", "korrektur", "statt"]),
            (Cue.Also, ["auch"]),
            (Cue.Only, ["nur"]),
            (Cue.Request, ["können sie", "könnten sie"]),
            (Cue.Noise, ["danke", "leider", "bitte", "vorerst"])),
        Map(
            (Cue.Interview, ["einladen"]),
            (Cue.Reject, ["absage", "absagen"])),
        ["alle"],
        ["keinen", "keine", "keiner", "niemanden"],
        ["den anderen beiden", "die anderen", "der rest", "den rest", "die anderen beiden"],
        ["außer", "ausser"],
        ["und", "u"],
        ["oder"],
        new Dictionary<string, int>
        {
            ["ersten"] = 1, ["erste"] = 1, ["erster"] = 1, ["zweiten"] = 2, ["zweite"] = 2, ["dritten"] = 3, ["dritte"] = 3, ["vierten"] = 4, ["vierte"] = 4,
            ["fünften"] = 5, ["fünfte"] = 5,
        },
        ["der", "die", "den", "das"],
        ["kandidat", "kandidatin", "nr", "nr.", "nummer"],
        ["nicht im büro", "keinen zugriff", "abwesend", "nach meiner rückkehr", "automatische antwort"]);

    public static readonly ReplyLexicon Spanish = new(
        "es",
        ["el", "y", "los", "las", "sí", "para", "con", "entrevista", "gracias", "hola", "no", "al", "menos", "salvo"],
        Map(
            (Cue.Interview, ["entrevista", "entrevistar", "a entrevista", "sí", "si", "conocer", "hablar con", "organicemos una entrevista", "me encantaría"]),
            (Cue.Reject, ["no", "descartar", "descartamos", "descartados", "descartado", "no encaja", "tampoco", "no, gracias"]),
            (Cue.Hold, ["en espera", "lista de espera", "en reserva", "reserva"]),
            (Cue.Opinion, ["pinta bien", "interesante"]),
            (Cue.Hedge, ["quizás", "quizá", "tal vez", "ya veremos", "a ver", "no sé"]),
            (Cue.Condition, ["solo si", "si puede", "si acepta"]),
            (Cue.Negation, []),
            (Cue.Deferral, ["te respondo"]),
            (Cue.Correction, ["perdón", "quería decir", "corrección", "mejor dicho"]),
            (Cue.Also, ["también"]),
            (Cue.Only, ["solo", "sólo", "solamente", "únicamente"]),
            (Cue.Request, ["podéis", "puedes", "podrías", "podrían"]),
            (Cue.Noise, ["gracias", "lamentablemente", "por favor"])),
        Map(
            (Cue.Interview, ["entrevista"]),
            (Cue.Reject, ["descartar"])),
        ["todos", "todas"],
        ["ninguno", "ninguna", "nadie"],
        ["los otros dos", "los otros", "los demás", "el resto"],
        ["menos", "salvo", "excepto"],
        ["y"],
        ["o"],
        new Dictionary<string, int>
        {
            ["primera"] = 1, ["primero"] = 1, ["segundo"] = 2, ["segunda"] = 2, ["tercero"] = 3, ["tercera"] = 3, ["cuarto"] = 4, ["cuarta"] = 4, ["quinto"] = 5, ["quinta"] = 5,
        },
        ["el", "la", "los", "las", "al"],
        ["candidato", "candidata", "candidatos", "nº", "n°", "número"],
        ["respuesta automática", "fuera de la oficina", "de vacaciones", "a mi vuelta"]);

    private static readonly ReplyLexicon[] Others = [French, German, Spanish];

    /// <summary>All languages' auto-reply markers: an out-of-office in any language is one.</summary>
    public static IEnumerable<string> AutoReplyMarkers => English.AutoReply.Concat(Others.SelectMany(o => o.AutoReply));

    /// <summary>The language the reply is written in besides English, by how many of its common words it uses (null: English only).</summary>
    public static ReplyLexicon? Detect(IReadOnlyList<string> words)
    {
        var best = Others
            .Select(l => (Lexicon: l, Score: words.Count(w => l.Markers.Contains(w))))
            .OrderByDescending(s => s.Score)
            .First();
        var english = words.Count(w => English.Markers.Contains(w));
        return best.Score >= 2 && best.Score >= english ? best.Lexicon : best.Score == 1 && english == 0 ? best.Lexicon : null;
    }

    private static Dictionary<string, Cue> Map(params (Cue Cue, string[] Phrases)[] groups)
    {
        var map = new Dictionary<string, Cue>(StringComparer.Ordinal);
        foreach (var (cue, phrases) in groups)
        {
            foreach (var phrase in phrases)
            {
                map[phrase] = cue;
            }
        }

        return map;
    }
}
