using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Operator.Hosting.Flags;

namespace Operator.Hosting;

/// <summary>Binds an options class from the parsed flags and fails the start, naming the flags, when they are bad.</summary>
public static class FlagOptions
{
    public static IServiceCollection AddFlagOptions<TOptions>(this IServiceCollection services, FlagValues flags)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(flags);
        services.AddOptions<TOptions>().Configure(o => flags.Bind(o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new Validator<TOptions>(flags));
        return services;
    }

    private sealed class Validator<TOptions>(FlagValues flags) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var problems = flags.Problems.Where(p => p.Flags.Count == 0 || p.Flags.Any(f => f.OptionsType == typeof(TOptions))).Select(p => p.Message).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
