using System.Text;
using System.Text.Json;
using Operator.Entities.V1Alpha1;
using Operator.References;
using SharpFuzz;

// Fuzz targets for `make fuzz` (AFL++ through SharpFuzz): the reference parser and entity deserialisation.
// Any exception other than the documented ones is a crash that AFL records; each becomes a regression test.
// `dotnet Operator.Fuzz.dll --replay <file>` runs one input without AFL (for triage and regression tests).
Operator.Runtime.KubernetesModelsJson.Configure();
if (args is ["--replay", var file])
{
    FuzzTargets.Run(File.ReadAllBytes(file));
    Console.WriteLine("no crash");
    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Run(buffer.ToArray());
});
return 0;

/// <summary>What one fuzz input exercises.</summary>
internal static class FuzzTargets
{
    public static void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        foreach (var forms in new[] { ReferenceForms.All, ReferenceForms.GroupKey | ReferenceForms.StorePath })
        {
            try
            {
                var parsed = ReferenceParser.ParseReference(text, "fuzz", forms);
                if (ReferenceParser.ParseReference(parsed.ToString()!, "fuzz", forms) != parsed)
                {
                    throw new InvalidOperationException("round trip changed the reference");
                }
            }
            catch (ReferenceParseException)
            {
            }

            _ = ReferenceParser.TryParseReference(text, "fuzz", forms, out _, out _);
        }

        _ = ReferenceParser.TryParseIntegrationFqn(text, "fuzz", out _, out _);
        _ = ReferenceParser.TryParseSecretFqn(text, "fuzz", out _, out _);
        try
        {
            _ = k8s.KubernetesJson.Deserialize<SecretGroup>(text);
            _ = k8s.KubernetesJson.Deserialize<SecretStoreIntegration>(text);
        }
        catch (JsonException)
        {
        }
        catch (ArgumentException)
        {
            // KubernetesJson wraps some malformed documents this way.
        }
    }
}
