namespace Operator.Hosting;

/// <summary>Turns <c>--install-crds</c> and <c>--tenant x</c> into configuration keys (<c>--installcrds=true</c>, <c>--tenant=x</c>).</summary>
public static class CommandLine
{
    public static string[] Normalize(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'; options look like --tenant=my-tenant");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? arg[2..] : arg[2..eq]).Replace("-", "", StringComparison.Ordinal);
            string value;
            if (eq >= 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                value = "true";
            }

            result.Add($"--{key}={value}");
        }

        return [.. result];
    }
}
