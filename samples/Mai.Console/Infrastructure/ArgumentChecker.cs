using System.Globalization;
using System.Reflection;
using Mai.Console.Commands;
using Spectre.Console.Cli;

namespace Mai.Console.Infrastructure;

/// <summary>
/// Checks a command line against the commands' declared options before Spectre parses it, so that every mistake gets one
/// shape (<c>mai: error: …</c>, exit 2) with a did-you-mean: an unknown or misspelt option, a misspelt command
/// (<c>mai comapre</c> is never sent to the model as a prompt), a missing value, and a value of the wrong type.
/// </summary>
/// <remarks>The options are read from the <see cref="CommandOptionAttribute"/>s of each command's settings type, so a new flag
/// is known here the moment it is declared.</remarks>
internal static class ArgumentChecker
{
    /// <summary>The commands and their settings types; the first is also the default command (a bare prompt).</summary>
    public static readonly IReadOnlyDictionary<string, Type> Commands = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["ask"] = typeof(AskSettings),
        ["chat"] = typeof(ChatSettings),
        ["compare"] = typeof(CompareSettings),
        ["usage"] = typeof(UsageSettings),
        ["info"] = typeof(InfoSettings),
    };

    private static readonly string[] HelpOptions = ["-h", "--help", "-?"];

    /// <summary>Returns the first error in <paramref name="args"/> as a sentence (without the <c>mai: error:</c> prefix), or null.</summary>
    public static string? Check(IReadOnlyList<string> args)
    {
        var start = 0;
        var command = "ask";
        if (args.Count > 0 && Commands.ContainsKey(args[0]))
        {
            command = args[0];
            start = 1;
        }
        else if (args.Count > 0 && !args[0].StartsWith('-') && NearestCommand(args[0]) is { } near)
        {
            return $"unknown command '{args[0]}' (did you mean {near}?); to send it as a prompt, use mai ask \"{args[0]}\".";
        }

        var options = OptionsOf(Commands[command]);
        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                break;
            }

            if (arg.Length < 2 || arg[0] != '-' || HelpOptions.Contains(arg, StringComparer.Ordinal))
            {
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[..eq] : arg;
            if (!options.TryGetValue(name, out var option))
            {
                return UnknownOption(name, command, options);
            }

            if (option.IsFlag)
            {
                continue;
            }

            string value;
            if (eq > 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                return $"{option.Display} needs a value ({option.ValueName}).";
            }

            if (CheckValue(option, value) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>The command a misspelt word most likely meant, or null when it is not close to any (then it is a prompt).</summary>
    public static string? NearestCommand(string word)
    {
        if (word.Any(char.IsWhiteSpace))
        {
            return null;
        }

        return Nearest(word.ToLowerInvariant(), Commands.Keys.Append("help"));
    }

    /// <summary>The candidate closest to <paramref name="word"/> within a typo's distance (one edit for short words, two for longer).</summary>
    public static string? Nearest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(word, candidate);
            var allowed = candidate.TrimStart('-').Length <= 4 ? 1 : 2;
            if (distance > 0 && distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and transpositions of neighbours.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 2]) && char.ToLowerInvariant(a[i - 2]) == char.ToLowerInvariant(b[j - 1]))
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string UnknownOption(string name, string command, Dictionary<string, OptionInfo> options)
    {
        var display = command == "ask" ? "mai" : $"mai {command}";
        if (name.StartsWith("--", StringComparison.Ordinal) && Nearest(name, options.Keys.Where(k => k.StartsWith("--", StringComparison.Ordinal))) is { } near)
        {
            return $"unknown option '{name}' (did you mean {near}?)";
        }

        var elsewhere = Commands.Where(c => c.Key != command && OptionsOf(c.Value).ContainsKey(name)).Select(c => "mai " + c.Key).ToList();
        return elsewhere.Count > 0
            ? $"unknown option '{name}' for {display}; it is an option of {JoinAnd(elsewhere)}."
            : $"unknown option '{name}'; {display} --help lists the options.";
    }

    private static string JoinAnd(List<string> items) => items.Count == 1 ? items[0] : string.Join(", ", items[..^1]) + " and " + items[^1];

    private static string? CheckValue(OptionInfo option, string value)
    {
        var type = Nullable.GetUnderlyingType(option.Type) ?? option.Type;
        if (type.IsArray)
        {
            type = type.GetElementType()!;
        }

        var ok = type switch
        {
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d),
            _ when type == typeof(float) => float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && float.IsFinite(f),
            _ when type == typeof(decimal) => decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _),
            _ => true,
        };
        if (ok)
        {
            return null;
        }

        var expected = type == typeof(int) || type == typeof(long) ? "a whole number" : "a number";
        return $"{option.Display} must be {expected}; it was '{value}'.";
    }

    private static readonly Dictionary<Type, Dictionary<string, OptionInfo>> Cache = [];

    private static Dictionary<string, OptionInfo> OptionsOf(Type settings)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(settings, out var cached))
            {
                return cached;
            }

            var options = new Dictionary<string, OptionInfo>(StringComparer.Ordinal);
            foreach (var property in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<CommandOptionAttribute>() is not { } attribute)
                {
                    continue;
                }

                var display = attribute.LongNames.Count > 0 ? "--" + attribute.LongNames[0] : "-" + attribute.ShortNames[0];
                var info = new OptionInfo(display, attribute.ValueName, property.PropertyType);
                foreach (var longName in attribute.LongNames)
                {
                    options["--" + longName] = info;
                }

                foreach (var shortName in attribute.ShortNames)
                {
                    options["-" + shortName] = info;
                }
            }

            Cache[settings] = options;
            return options;
        }
    }

    private sealed record OptionInfo(string Display, string? ValueName, Type Type)
    {
        public bool IsFlag => ValueName is null && (Type == typeof(bool) || Type == typeof(bool?));
    }
}
