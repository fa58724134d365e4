using System.Globalization;
using System.Text.RegularExpressions;

namespace Operator;

/// <summary>Parses Go-style durations (<c>1h30m</c>, <c>90s</c>, <c>250ms</c>) as used in the CRDs.</summary>
public static partial class Durations
{
    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    [GeneratedRegex(@"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Whole();

    /// <summary>Returns false for anything that is not a positive duration of at most 366 days.</summary>
    public static bool TryParse(string? text, out TimeSpan duration) => TryParse(text, allowZero: false, out duration);

    /// <summary>As <see cref="TryParse(string?, out TimeSpan)"/>; with <paramref name="allowZero"/>, <c>0</c> (or <c>0s</c>, ...) is zero.</summary>
    public static bool TryParse(string? text, bool allowZero, out TimeSpan duration)
    {
        if (allowZero && text == "0")
        {
            duration = TimeSpan.Zero;
            return true;
        }

        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || text.Length > 64 || !Whole().IsMatch(text))
        {
            return false;
        }

        double ms = 0;
        foreach (Match m in Part().Matches(text))
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ms += m.Groups[2].Value switch
            {
                "ms" => n,
                "s" => n * 1000,
                "m" => n * 60_000,
                _ => n * 3_600_000,
            };
        }

        if ((ms <= 0 && !allowZero) || ms > TimeSpan.FromDays(366).TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}
