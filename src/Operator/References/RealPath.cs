namespace Operator.References;

/// <summary>
/// realpath(3) in managed code: resolves every symlink in every component, so a containment check on the result
/// cannot be fooled by a link anywhere in the chain (Kubernetes Secret volumes link KEY -> ..data/KEY and
/// ..data -> ..&lt;timestamp&gt;, and File.ResolveLinkTarget alone would stop at '..data/KEY').
/// </summary>
internal static class RealPath
{
    private const int MaxLinkHops = 40;

    /// <summary>The real absolute path, or <c>null</c> when a component is missing or links loop.</summary>
    public static string? Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var pending = new Stack<string>();
        Push(pending, full[root.Length..]);
        var current = root;
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }

            var next = Path.Join(current, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (IOException)
            {
                return null; // missing, or a parent is not a directory
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }

            if (target is null)
            {
                if (!File.Exists(next) && !Directory.Exists(next))
                {
                    return null;
                }

                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                return null;
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target) ?? root;
                Push(pending, target[current.Length..]);
            }
            else
            {
                Push(pending, target);
            }
        }

        return current;
    }

    /// <summary>True when <paramref name="path"/> is strictly inside <paramref name="directory"/> (both real paths).</summary>
    public static bool IsInside(string path, string directory)
    {
        var prefix = Path.EndsInDirectorySeparator(directory) ? directory : directory + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static void Push(Stack<string> pending, string relative)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
