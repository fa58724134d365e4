using System.Text.RegularExpressions;

namespace Operator.Controllers;

/// <summary>
/// User regular expressions (find.name.regexp, rewrite[].regexp.source), RE2-like: <see cref="RegexOptions.NonBacktracking"/>
/// matches in time linear in the input whatever the pattern (no catastrophic backtracking), and refuses the constructs that
/// would need backtracking (backreferences, lookaround, atomic groups, conditionals), as RE2 and ESO's Go regexp do. The
/// match timeout bounds what is left (a key name is at most 253 characters).
/// </summary>
public static class KeyRegex
{
    /// <summary>The longest one match or replacement may take.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The pattern compiled, or a <see cref="ConditionException"/> (InvalidSpec) naming <paramref name="field"/>.</summary>
    public static Regex Compile(string pattern, string field)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (RegexParseException e)
        {
            throw new ConditionException("InvalidSpec", $"{field}: {Echo.Quote(pattern)} is not a valid regular expression ({e.Error} at offset {e.Offset})", retry: false);
        }
        catch (NotSupportedException)
        {
            throw new ConditionException("InvalidSpec", $"{field}: {Echo.Quote(pattern)} needs backtracking (a backreference, lookaround, atomic group or conditional), which is not supported", retry: false);
        }
    }

    /// <summary>Replaces every match in <paramref name="name"/>, bounded by <see cref="MatchTimeout"/>.</summary>
    public static string Replace(Regex regex, string name, string target, string field)
    {
        ArgumentNullException.ThrowIfNull(regex);
        try
        {
            return regex.Replace(name, target);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ConditionException("InvalidSpec", $"{field}: matching took longer than {MatchTimeout.TotalMilliseconds} ms", retry: false);
        }
    }

    /// <summary>Whether <paramref name="regex"/> matches somewhere in <paramref name="name"/>, bounded by <see cref="MatchTimeout"/>.</summary>
    public static bool IsMatch(Regex regex, string name, string field)
    {
        ArgumentNullException.ThrowIfNull(regex);
        try
        {
            return regex.IsMatch(name);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ConditionException("InvalidSpec", $"{field}: matching took longer than {MatchTimeout.TotalMilliseconds} ms", retry: false);
        }
    }
}
