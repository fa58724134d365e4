using System.Globalization;
using System.Text;

namespace Operator;

/// <summary>How user input is echoed in messages (conditions, API errors, logs): the one place that bounds and escapes it.</summary>
public static class Echo
{
    /// <summary>Characters of user input a message shows at most.</summary>
    public const int MaxLength = 100;

    /// <summary>
    /// Quotes user text: at most <see cref="MaxLength"/> characters, control and non-ASCII characters escaped so a
    /// message cannot break a log line or a terminal.
    /// </summary>
    public static string Quote(string? text)
    {
        text ??= "";
        var shown = Math.Min(text.Length, MaxLength);
        var builder = new StringBuilder(shown + 8);
        builder.Append('\'');
        for (var i = 0; i < shown; i++)
        {
            var c = text[i];
            if (c is < ' ' or > '~')
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        if (text.Length > MaxLength)
        {
            builder.Append("...");
        }

        return builder.Append('\'').ToString();
    }
}
