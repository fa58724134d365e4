namespace Operator.Templates;

/// <summary>Collects one key's rendered text, refusing more than the Secret can hold and checking the render's deadline.</summary>
internal sealed class BoundedWriter(RenderState state, int maxChars) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
{
    public override void Write(char value)
    {
        Check(1);
        base.Write(value);
    }

    public override void Write(string? value)
    {
        Check(value?.Length ?? 0);
        base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Check(count);
        base.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Check(buffer.Length);
        base.Write(buffer);
    }

    private void Check(int more)
    {
        state.CheckDeadline();
        if (GetStringBuilder().Length + more > maxChars)
        {
            throw new TemplateFailure($"the rendered value is over {maxChars / 1024} KiB");
        }
    }
}
