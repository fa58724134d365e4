namespace Operator;

/// <summary>Entry point of the SecretGroup operator.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return 0;
    }
}
