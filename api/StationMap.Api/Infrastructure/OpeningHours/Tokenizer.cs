using System.Globalization;

namespace StationMap.Api.Infrastructure.OpeningHours;

internal enum TokenKind { Weekday, Month, Year, Number, TimeSep, Holiday, Event, Week, CalcDay, TimeVar, State, Comment, Symbol, Always }

/// <summary>One token of a value: <see cref="Value"/> is the weekday (0 = Su), month (0 = Jan) or number.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Value, int Position)
{
    public bool Is(char symbol) => Kind == TokenKind.Symbol && Text[0] == symbol;
    public string Shown => Kind == TokenKind.Comment ? $"\"{Text}\"" : Text;
}

/// <summary>The tokens of one rule and how it joins the rules before it.</summary>
internal sealed record RuleTokens(List<Token> Tokens, bool Fallback, int Position);

/// <summary>
/// Splits a value into rules (at <c>;</c> and <c>||</c>) and tokens. Names of weekdays, months,
/// states, variable times and <c>PH</c>/<c>SH</c> are accepted in any letter case; a number above 1900
/// is a year; <c>.</c> is read as the hour-minute separator.
/// </summary>
internal static class Tokenizer
{
    static readonly Dictionary<string, (TokenKind Kind, int Value)> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["su"] = (TokenKind.Weekday, 0),
        ["mo"] = (TokenKind.Weekday, 1),
        ["tu"] = (TokenKind.Weekday, 2),
        ["we"] = (TokenKind.Weekday, 3),
        ["th"] = (TokenKind.Weekday, 4),
        ["fr"] = (TokenKind.Weekday, 5),
        ["sa"] = (TokenKind.Weekday, 6),
        ["jan"] = (TokenKind.Month, 0),
        ["feb"] = (TokenKind.Month, 1),
        ["mar"] = (TokenKind.Month, 2),
        ["apr"] = (TokenKind.Month, 3),
        ["may"] = (TokenKind.Month, 4),
        ["jun"] = (TokenKind.Month, 5),
        ["jul"] = (TokenKind.Month, 6),
        ["aug"] = (TokenKind.Month, 7),
        ["sep"] = (TokenKind.Month, 8),
        ["oct"] = (TokenKind.Month, 9),
        ["nov"] = (TokenKind.Month, 10),
        ["dec"] = (TokenKind.Month, 11),
        ["day"] = (TokenKind.CalcDay, 0),
        ["days"] = (TokenKind.CalcDay, 0),
        ["sunrise"] = (TokenKind.TimeVar, 0),
        ["sunset"] = (TokenKind.TimeVar, 0),
        ["dawn"] = (TokenKind.TimeVar, 0),
        ["dusk"] = (TokenKind.TimeVar, 0),
        ["easter"] = (TokenKind.Event, 0),
        ["week"] = (TokenKind.Week, 0),
        ["open"] = (TokenKind.State, 0),
        ["closed"] = (TokenKind.State, 0),
        ["off"] = (TokenKind.State, 0),
        ["unknown"] = (TokenKind.State, 0),
        ["ph"] = (TokenKind.Holiday, 0),
        ["sh"] = (TokenKind.Holiday, 0),
    };

    // English names the reference corrects (with a warning) to the two- and three-letter forms.
    static readonly string[][] WeekdayAliases =
    [
        ["sun", "sunday"], ["mon", "monday"], ["tue", "tues", "tuesday"], ["wed", "wednesday"],
        ["thu", "thur", "thurs", "thursday"], ["fri", "friday"], ["sat", "saturday"],
    ];
    static readonly string[] MonthAliases =
        ["january", "february", "march", "april", "", "june", "july", "august", "september", "october", "november", "december"];

    static Tokenizer()
    {
        for (var d = 0; d < 7; d++)
            foreach (var alias in WeekdayAliases[d]) Words[alias] = (TokenKind.Weekday, d);
        for (var m = 0; m < 12; m++)
            if (MonthAliases[m].Length > 0) Words[MonthAliases[m]] = (TokenKind.Month, m);
    }

    /// <summary>Dashes, tildes and full-width colons the reference reads (with a warning) as '-' and ':'.</summary>
    static char Normalize(char c) => c switch
    {
        '–' or '—' or '−' or '‐' or '‑' or '‒' or '～' or '~' => '-',
        '：' => ':',
        _ => c,
    };

    public static List<RuleTokens> Split(string text)
    {
        var rules = new List<RuleTokens>();
        var current = new List<Token>();
        var fallback = false;
        var ruleStart = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = Normalize(text[i]);
            var position = i + 1;
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (char.IsAsciiLetter(c))
            {
                var end = i;
                while (end < text.Length && char.IsAsciiLetter(text[end])) end++;
                var word = text[i..end];
                if (word.Equals("to", StringComparison.OrdinalIgnoreCase))
                {
                    current.Add(new Token(TokenKind.Symbol, "-", 0, position)); // "Mo to Fr", corrected by the reference too
                    i = end;
                    continue;
                }
                if (!Words.TryGetValue(word, out var known))
                {
                    // As the reference reads it: a word that starts with PH or SH ("PHFr") is the holiday and the rest.
                    if (word.Length > 2 && (word.StartsWith("ph", StringComparison.OrdinalIgnoreCase) || word.StartsWith("sh", StringComparison.OrdinalIgnoreCase)))
                    {
                        current.Add(new Token(TokenKind.Holiday, word[..2].ToUpperInvariant(), 0, position));
                        i += 2;
                        continue;
                    }
                    throw new FormatException($"unknown word '{word}' at position {position}");
                }
                var canonical = known.Kind is TokenKind.Holiday ? word.ToUpperInvariant() : word.ToLowerInvariant();
                current.Add(new Token(known.Kind, canonical, known.Value, position));
                i = end;
            }
            else if (char.IsAsciiDigit(c))
            {
                if (string.CompareOrdinal(text, i, "24/7", 0, 4) == 0) { current.Add(new Token(TokenKind.Always, "24/7", 0, position)); i += 4; continue; }
                var end = i;
                while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
                var digits = text[i..end];
                if (digits.Length > 6) throw new FormatException($"number too long at position {position}");
                var n = int.Parse(digits, CultureInfo.InvariantCulture);
                if (n > 9000) throw new FormatException($"the year {n} is out of range at position {position}");
                current.Add(new Token(n > 1900 ? TokenKind.Year : TokenKind.Number, digits, n, position));
                i = end;
            }
            else if (c == '"')
            {
                var close = text.IndexOf('"', i + 1);
                if (close < 0) throw new FormatException($"unterminated comment starting at position {position}");
                if (close == i + 1) throw new FormatException($"empty comment at position {position}");
                current.Add(new Token(TokenKind.Comment, text[(i + 1)..close], 0, position));
                i = close + 1;
            }
            else if (c == ';' || (c == '|' && i + 1 < text.Length && text[i + 1] == '|'))
            {
                if (c == '|' && current.Count == 0) throw new FormatException($"the rule before '||' at position {position} is empty");
                rules.Add(new RuleTokens(current, fallback, ruleStart));
                current = [];
                fallback = c == '|';
                i += c == '|' ? 2 : 1;
                ruleStart = i + 1;
            }
            else if (c is ':' or '.')
            {
                current.Add(new Token(TokenKind.TimeSep, ":", 0, position));
                i++;
            }
            else if (c is '-' or ',' or '+' or '/' or '[' or ']' or '(' or ')')
            {
                current.Add(new Token(TokenKind.Symbol, c.ToString(), 0, position));
                i++;
            }
            else throw new FormatException($"unexpected '{c}' at position {position}");
        }
        rules.Add(new RuleTokens(current, fallback, ruleStart));
        return rules;
    }
}
