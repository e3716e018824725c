// Type-checked with `tsc --strict` against the installed package's declarations (wasm/test/run.sh).
import { toWei, fromWei, computeMargin, computeMarginText, computeRisk, computeSpan, computeSpanText, computeRiskText, evaluateScenario, previewTrade, reverseStress, shippedDocument, stressBook, stressTest, syntheticHistory, version, MarginError } from 'margin-engine';
import type { EngineErrorCode, MarginErrorCode, MarginRequest, PortfolioParams, ScenarioSetDocument, StandardParams, ScenarioResponse, Greeks, MarginResponse, PreviewResponse, ReverseStressResponse, RiskRequest, StressBookResponse, RiskResponse, Scenario, SpanRequest, SpanResponse, StressResponse, Trade } from 'margin-engine';

const request: MarginRequest = shippedDocument('example');
const response: MarginResponse = computeMargin(request);
const im: string = response.result.initial_margin;
const liquidatable: boolean = response.result.liquidatable;
const text: string = computeMarginText(JSON.stringify(request));
const worst: number | undefined = evaluateScenario({ ...request, params: 'pmrm2' }, 3).result.underlyings?.[0]?.worst_scenario;
const trade: Trade = { positions: [{ type: 'perp', underlying: 'BTC', size: 10n ** 18n }] };
const preview: PreviewResponse = previewTrade(request, trade);
const change: string = preview.change.initial_margin;
const v: string = version();
const scenarios: Scenario[] = shippedDocument('scenarios/pmrm2').scenarios;
const shock: string = scenarios[0].spot_shock;
const riskRequest: RiskRequest = { ...request, risk: { method: 'monte_carlo', paths: 2000n, seed: '7', innovations: 'student_t' } };
const risk: RiskResponse = computeRisk(riskRequest, { synthetic: true });
const es: string = risk.risk.es;
const byPosition: string[] = risk.risk.es_by_position;
const worstDate: string | undefined = risk.risk.worst?.[0]?.date;
const riskText: string = computeRiskText({ ...request, history: syntheticHistory().history });
const btcCsv: string = shippedDocument('history/synthetic').history.BTC;
const label: 'SYNTHETIC' = syntheticHistory().label;
const gap: MarginErrorCode = 'HISTORY_GAP';
// @ts-expect-error not a method
const badMethod: RiskRequest = { ...request, risk: { method: 'var' } };
// @ts-expect-error not an error code
const badCode: MarginErrorCode = 'HISTORY_MISSING';
const stressed = stressTest({ ...request, stress: { version: 'stress/1', scenarios: [{ name: 'drop', underlyings: { BTC: { spot: '-0.3', vol: { relative: '0.5' } } } }] } }) as StressResponse;
const stressPnl: string = stressed.stress.scenarios[0].pnl;
const reverse: ReverseStressResponse = reverseStress({ ...request, reverse_stress: { directions: [{ move: 'spot_down', underlying: 'BTC' }] } });
const liquidationPrice: string | undefined = reverse.reverse_stress.directions[0].liquidation_price;
// @ts-expect-error not a reverse-stress move
const badMove: ReverseStressResponse = reverseStress({ ...request, reverse_stress: { directions: [{ move: 'sideways', underlying: 'BTC' }] } });
const book: StressBookResponse = stressBook([request, { ...request, params: 'pmrm2' }], 'deribit', { insuranceFund: '25000', top: 5 });
const shortfall: string = book.stress_book.scenarios[0].shortfall;
const covered: boolean = book.stress_book.scenarios[0].covered;
const contributor: string | undefined = book.stress_book.scenarios[0].top[0]?.line;
// @ts-expect-error the insurance fund is a decimal string or bigint wei, not a JS number
const badFund: StressBookResponse = stressBook([request], 'deribit', { insuranceFund: 25000 });
console.log(es, byPosition, worstDate, riskText, btcCsv, label, gap, badMethod, badCode, stressPnl, liquidationPrice, badMove, shortfall, covered, contributor, badFund);
try {
  computeMargin('{');
} catch (e) {
  if (e instanceof MarginError) console.log(e.code, e.path, e.detail);
}
// @ts-expect-error JS numbers are not decimals
const bad: Trade = { positions: [{ type: 'perp', underlying: 'BTC', size: 1.5 }] };
// @ts-expect-error an option needs a strike
const noStrike: Trade = { positions: [{ type: 'option', underlying: 'BTC', expiry: '1767945600', option_type: 'put', size: '1' }] };
// @ts-expect-error a parameter document has no typed scenario list
const notASet: Scenario[] = shippedDocument('pmrm2').scenarios;
console.log(im, liquidatable, text, worst, change, v, shock, bad, noStrike, notASet);
// delta-gamma (Cornish-Fisher) and SPAN risk arrays
const dg: RiskResponse = computeRisk({ ...request, risk: { method: 'delta_gamma' } }, { synthetic: true });
const skew: string | undefined = dg.risk.delta_gamma?.skewness;
const future = ['0', '0', '-5', '-5', '5', '5', '-10', '-10', '10', '10', '-15', '-15', '15', '15', '-30', '30'];
const spanRequest: SpanRequest = {
  api_version: '1',
  span: {
    contracts: [{ commodity: 'BTC', month: '202612', risk_array: future, delta: '1' }],
    positions: [{ contract: '0', quantity: '1' }],
    params: { commodities: [{ name: 'BTC', intra_spread_charge: '2.5' }] },
  },
};
const spanResult: SpanResponse = computeSpan(spanRequest);
const requirement: string = spanResult.span.requirement;
const spanText: string = computeSpanText(JSON.stringify(spanRequest));
// @ts-expect-error a risk array holds decimals, not JS numbers
const badArray: SpanRequest['span']['contracts'][0] = { commodity: 'BTC', month: '202612', risk_array: [0], delta: '1' };
console.log(skew, requirement, spanText, badArray);
// bigint wei results, as viem: { bigint: true } and the helpers
const big: MarginResponse<bigint> = computeMargin(request, { bigint: true });
const headroom: bigint = big.result.health - toWei('1000');
const back: string = fromWei(big.result.margin_balance + headroom);
const adjustments: Record<string, bigint> = big.result.balance_adjustments;
const balance: string = response.result.margin_balance;
const bigPreview: bigint = previewTrade(request, trade, { bigint: true }).change.initial_margin;
const echoed: ScenarioResponse<bigint> = evaluateScenario({ ...request, params: 'pmrm2' }, 3n, { bigint: true });
const echoedId: number = echoed.scenario;
// @ts-expect-error without { bigint: true } the result is decimal strings
const notBig: bigint = computeMargin(request).result.equity;
// @ts-expect-error toWei takes a decimal string, not a JS number
const badWei: bigint = toWei(1.5);
const vega: Greeks['vega'] = response.result.greeks.BTC.vega;
const bigEs: bigint = computeRisk(riskRequest, { synthetic: true, bigint: true }).risk.es;
const tail: string | undefined = computeRisk(riskRequest, { synthetic: true, bigint: true }).risk.tail_count;
console.log(headroom, back, adjustments, balance, bigPreview, echoedId, notBig, badWei, vega, bigEs, tail);
// the generated union: engine codes and the wrapper's
const engineCode: EngineErrorCode = 'STREAM_UNAVAILABLE';
const wrapperCode: MarginErrorCode = 'UNKNOWN_DOCUMENT';
// @ts-expect-error a wrapper code is not an engine code
const notEngine: EngineErrorCode = 'OUT_OF_MEMORY';
// @ts-expect-error NAME is no code
const notACode: MarginErrorCode = 'NAME';
console.log(engineCode, wrapperCode, notEngine, notACode);
// typed parameter documents: portfolio/1 with an inline scenario/1, standard/1
const set: ScenarioSetDocument = shippedDocument('scenarios/pmrm2');
const portfolioDoc: PortfolioParams = { version: 'portfolio/1', scenarios: { ...set, scenarios: set.scenarios.slice(0, 3) }, collateral: { USDC: { im_haircut: '0.02', mm_haircut: '0.01' } } };
const named: PortfolioParams = { ...shippedDocument('pmrm2'), scenarios: 'span16', offsets: [{ underlyings: ['BTC', 'ETH'], rate: '0.3' }] };
const standardDoc: StandardParams = shippedDocument('standard');
const custom: MarginResponse = computeMargin({ ...request, params: portfolioDoc });
// @ts-expect-error a portfolio document's version is portfolio/1
const wrongVersion: PortfolioParams = { ...portfolioDoc, version: 'portfolio/2' };
// @ts-expect-error a scenario's vol move is one of five
const badVol: ScenarioSetDocument = { ...set, scenarios: [{ spot_shock: '0.1', vol: 'sideways', weight: '1' }] };
// @ts-expect-error a scenario/1 document needs its loss block
const noLoss: ScenarioSetDocument = { version: 'scenario/1', scenarios: set.scenarios, vol_shock: set.vol_shock, skew_shock: set.skew_shock, basis: set.basis, contingency: set.contingency };
console.log(named, standardDoc, custom, wrongVersion, badVol, noLoss);
