using System.Diagnostics;
using System.Text;
using Fluid;
using Fluid.Values;

namespace Operator.Templates;

/// <summary>
/// What one group's render keeps beside Fluid's context: the deadline, the bcrypt budget, the salt key, and the raw bytes
/// of values that are not UTF-8 text, so {{ KEY | b64enc }} and {{ B64 | b64dec }} stay binary-safe.
/// </summary>
internal sealed class RenderState(string saltKey, TimeSpan budget)
{
    private const string Key = "secretgroup.render";
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Dictionary<string, byte[]> binary = new(StringComparer.Ordinal);

    public string SaltKey { get; } = saltKey;

    public int BcryptCalls { get; set; }

    public static RenderState Of(TemplateContext ctx) => (RenderState)ctx.AmbientValues[Key];

    public void AttachTo(TemplateContext ctx) => ctx.AmbientValues[Key] = this;

    public void CheckDeadline()
    {
        if (clock.Elapsed > budget)
        {
            throw new TemplateFailure($"rendering took longer than {budget.TotalSeconds:0} s");
        }
    }

    /// <summary>A value as template text: UTF-8 when it is; otherwise a lossy text whose bytes are remembered.</summary>
    public StringValue Text(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        if (!IsUtf8(bytes))
        {
            binary[text] = bytes;
        }

        return new StringValue(text);
    }

    /// <summary>The bytes behind a text: the original ones for a value that was not UTF-8, else its UTF-8 encoding.</summary>
    public byte[] BytesOf(FluidValue value) => BytesOf(value.ToStringValue());

    public byte[] BytesOf(string text) => binary.TryGetValue(text, out var bytes) ? bytes : Encoding.UTF8.GetBytes(text);

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
