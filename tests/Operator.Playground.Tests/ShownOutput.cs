namespace Operator.Playground.Tests;

/// <summary>
/// Compares the output the docs show with the output a command printed, on their <see cref="StableText"/>: line by
/// line, where a shown line <c>...</c> stands for any number of lines (log lines, long YAML the docs shorten).
/// </summary>
public static class ShownOutput
{
    public const string Elision = "...";

    /// <summary>In a shown line: any text (a message the check does not pin down).</summary>
    public const string AnyText = "<any>";

    /// <summary>Null when they match; otherwise both texts, stable parts only, for the failure message.</summary>
    public static string? Mismatch(string shown, string seen)
    {
        var expected = StableText.Of(shown).Split('\n');
        var actual = StableText.Of(seen).Split('\n');
        return Matches(expected, 0, actual, 0, new Dictionary<(int, int), bool>())
            ? null
            : $"the docs show (stable parts):\n{string.Join('\n', expected)}\n--- the command printed (stable parts):\n{string.Join('\n', actual)}\n--- as printed:\n{seen}";
    }

    private static bool Matches(string[] shown, int i, string[] seen, int j, Dictionary<(int, int), bool> memo)
    {
        if (memo.TryGetValue((i, j), out var known))
        {
            return known;
        }

        bool result;
        if (i == shown.Length)
        {
            result = j == seen.Length;
        }
        else if (shown[i] == Elision)
        {
            result = Matches(shown, i + 1, seen, j, memo) || (j < seen.Length && Matches(shown, i, seen, j + 1, memo));
        }
        else
        {
            result = j < seen.Length && LineMatches(shown[i], seen[j]) && Matches(shown, i + 1, seen, j + 1, memo);
        }

        memo[(i, j)] = result;
        return result;
    }

    private static bool LineMatches(string shown, string seen) =>
        shown.Contains(AnyText, StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.IsMatch(seen, "^" + string.Join(".*", shown.Split(AnyText).Select(System.Text.RegularExpressions.Regex.Escape)) + "$")
            : shown == seen;
}
