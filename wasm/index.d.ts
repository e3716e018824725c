// Type declarations for margin-engine (hand-written; the JSON API v1 schema is
// core/api/schema/api-v1.schema.json, its prose docs/api.md).

/** An exact decimal string, e.g. "100000" or "-0.25" (JS numbers are refused). */
export type Decimal = string;
/** A decimal string, or a bigint counted in wei (10^-18): 1500000000000000000n is "1.5". */
export type DecimalInput = Decimal | bigint;
/** Unix seconds as a decimal integer string, or a bigint of seconds. */
export type UnixTime = string | bigint;

export interface Svi { a: DecimalInput; b: DecimalInput; rho: DecimalInput; m: DecimalInput; sigma: DecimalInput }

export interface ExpiryMarket {
  expiry: UnixTime;
  forward?: DecimalInput;
  rate?: DecimalInput;
  discount_factor?: DecimalInput;
  forward_confidence?: DecimalInput;
  svi?: Svi;
}

export interface UnderlyingMarket {
  spot: DecimalInput;
  spot_confidence?: DecimalInput;
  perp_mark?: DecimalInput;
  perp_confidence?: DecimalInput;
  expiries?: ExpiryMarket[];
}

export interface Market {
  timestamp: UnixTime;
  underlyings: Record<string, UnderlyingMarket>;
  collateral?: Record<string, { price: DecimalInput; confidence?: DecimalInput }>;
  stable_price?: DecimalInput;
}

interface PositionBase { id?: string; underlying: string; size: DecimalInput; isolated_margin?: DecimalInput }
export interface OptionPosition extends PositionBase {
  type: 'option';
  expiry: UnixTime;
  strike: DecimalInput;
  option_type: 'call' | 'put';
  contract_size?: DecimalInput;
  mark_vol?: DecimalInput;
}
export interface PerpPosition extends PositionBase { type: 'perp'; entry_price?: DecimalInput; funding?: DecimalInput }
export interface FuturePosition extends PositionBase { type: 'future'; expiry: UnixTime; entry_price?: DecimalInput }
export type Position = OptionPosition | PerpPosition | FuturePosition;

export interface Account {
  margin_mode?: 'cross' | 'isolated';
  cash?: DecimalInput;
  collateral?: Record<string, DecimalInput>;
  positions?: Position[];
}

/** A parameter document (standard/1 or portfolio/1, docs/api.md); kept open here. */
export type ParameterDocument = { version: string } & Record<string, unknown>;

export interface MarginRequest {
  api_version: '1';
  /** "standard" (default), "pmrm2", "span16", or a parameter document. */
  params?: 'standard' | 'pmrm2' | 'span16' | ParameterDocument;
  market: Market;
  account: Account;
}

/** A trade for previewTrade: positions added to (or merged into) the account. */
export interface Trade { positions: Position[] }

export interface Greeks { delta: Decimal; gamma: Decimal; vega: Decimal; theta: Decimal }

export interface PositionResult {
  id?: string;
  type: 'option' | 'perp' | 'future';
  underlying: string;
  size: Decimal;
  mark_price: Decimal;
  underlying_price: Decimal;
  vol?: Decimal;
  value: Decimal;
  notional: Decimal;
  /** Standard model only (the portfolio model margins the account as a whole). */
  initial_margin?: Decimal;
  maintenance_margin?: Decimal;
  greeks: Greeks;
  isolated_equity?: Decimal;
  liquidatable?: boolean;
}

export interface CollateralResult { asset: string; amount: Decimal; price: Decimal; value: Decimal; im_charge: Decimal }

export interface UnderlyingRisk {
  /** null for collateral not attached to an underlying. */
  underlying: string | null;
  /** Index into the scenario list; the list's length means the basis contingency. */
  worst_scenario: string;
  worst_loss: Decimal;
  basis_contingency: Decimal;
  mm_contingency: Decimal;
  im_contingency: Decimal;
  mark_to_market: Decimal;
  expiries: { expiry: string; mark_to_market: Decimal; worst_pnl: Decimal }[];
  scenario_pnl: Decimal[];
}

export interface MarginResult {
  model: 'standard' | 'portfolio';
  margin_mode: 'cross' | 'isolated';
  equity: Decimal;
  initial_margin: Decimal;
  maintenance_margin: Decimal;
  free_collateral: Decimal;
  health: Decimal;
  /** MM / equity; null when equity <= 0. */
  margin_ratio: Decimal | null;
  liquidatable: boolean;
  greeks: Record<string, Greeks>;
  positions: PositionResult[];
  collateral: CollateralResult[];
  /** Portfolio model only. */
  scenario_risk?: Decimal;
  underlyings?: UnderlyingRisk[];
  offsets?: { underlyings: [string, string]; credit: Decimal }[];
}

export interface MarginResponse { api_version: '1'; result: MarginResult }

export interface PreviewResponse {
  api_version: '1';
  before: MarginResult;
  after: MarginResult;
  change: { equity: Decimal; initial_margin: Decimal; maintenance_margin: Decimal; free_collateral: Decimal; health: Decimal };
}

/** Every stable error code (base/include/base/error.hpp, docs/api.md), plus the wrapper's own
 *  OUT_OF_MEMORY and UNKNOWN_DOCUMENT. Risk requests add HISTORY_SYNTAX, HISTORY_ORDER, HISTORY_GAP,
 *  HISTORY_TOO_SHORT, NO_HISTORY, NOT_POSITIVE_DEFINITE, BAD_COUNT and CORNISH_FISHER_INVALID (docs/risk.md). */
export type MarginErrorCode =
  | 'NAME'
  | 'JSON_SYNTAX'
  | 'JSON_TOO_LARGE'
  | 'JSON_TOO_DEEP'
  | 'JSON_NUMBER'
  | 'DUPLICATE_KEY'
  | 'WRONG_TYPE'
  | 'UNKNOWN_FIELD'
  | 'MISSING_FIELD'
  | 'UNSUPPORTED_VERSION'
  | 'BAD_DECIMAL'
  | 'DECIMAL_PRECISION'
  | 'DECIMAL_RANGE'
  | 'BAD_INTEGER'
  | 'BAD_ENUM'
  | 'BAD_SYMBOL'
  | 'UNKNOWN_PRESET'
  | 'NOT_POSITIVE'
  | 'NEGATIVE'
  | 'OUT_OF_RANGE'
  | 'INCONSISTENT_PARAMS'
  | 'EXPIRY_IN_PAST'
  | 'EXPIRY_TOO_FAR'
  | 'DUPLICATE_EXPIRY'
  | 'DUPLICATE_POSITION'
  | 'DUPLICATE_ID'
  | 'DUPLICATE_SCENARIO'
  | 'UNKNOWN_UNDERLYING'
  | 'UNKNOWN_EXPIRY'
  | 'NO_PARAMS_FOR_UNDERLYING'
  | 'NO_PERP_MARK'
  | 'NO_VOLATILITY'
  | 'UNPRICED_COLLATERAL'
  | 'COLLATERAL_NOT_ACCEPTED'
  | 'QUANTITY_PRECISION'
  | 'ISOLATED_MARGIN_REQUIRED'
  | 'ISOLATED_MARGIN_NOT_ALLOWED'
  | 'MODE_NOT_SUPPORTED'
  | 'TRADE_CONFLICT'
  | 'UNKNOWN_COMMODITY'
  | 'SVI_NON_POSITIVE_VARIANCE'
  | 'ARITHMETIC_OVERFLOW'
  | 'MODEL_NOT_SUPPORTED'
  | 'ABI_BAD_TYPE'
  | 'ABI_BAD_VALUE'
  | 'ABI_BAD_DATA'
  | 'NOT_REPRESENTABLE'
  | 'BAD_BUNDLE'
  | 'NOT_FOUND'
  | 'RPC_UNREACHABLE'
  | 'RPC_HTTP'
  | 'RPC_BAD_RESPONSE'
  | 'RPC_ERROR'
  | 'BAD_ADDRESS'
  | 'BAD_PRIVATE_KEY'
  | 'RPC_TOO_LARGE'
  | 'CHAIN_ID_MISMATCH'
  | 'FEE_TOO_HIGH'
  | 'INTERNAL_ERROR'
  | 'HISTORY_SYNTAX'
  | 'HISTORY_ORDER'
  | 'HISTORY_GAP'
  | 'HISTORY_TOO_SHORT'
  | 'NO_HISTORY'
  | 'NOT_POSITIVE_DEFINITE'
  | 'BAD_COUNT'
  | 'CORNISH_FISHER_INVALID'
  | 'UNAUTHORIZED'
  | 'RATE_LIMITED'
  | 'UNKNOWN_ACCOUNT'
  | 'BAD_ACCOUNT_ID'
  | 'UNKNOWN_ROUTE'
  | 'WRONG_SHARD'
  | 'STREAM_UNAVAILABLE'
  | 'OUT_OF_MEMORY'
  | 'UNKNOWN_DOCUMENT';

/** An engine error document, or an input refused before the engine (e.g. a JS number). */
export class MarginError extends Error {
  readonly name: 'MarginError';
  /** Stable code, e.g. "WRONG_TYPE", "JSON_NUMBER", "EXPIRY_IN_PAST", "HISTORY_GAP" (docs/api.md). */
  readonly code: MarginErrorCode;
  /** JSON pointer of the offending field ("" = the whole document; trades under /trade). */
  readonly path: string;
  /** The engine's message, for humans. */
  readonly detail: string;
}

// ---------------------------------------------------------------- SPAN risk arrays (docs/span.md)

/** One exchange contract: its combined commodity, month, the loss of one long contract in each of
 *  SPAN's 16 scenarios (a gain is negative), its composite delta and, for options, its premium. */
export interface SpanContract {
  commodity: string;
  /** Contract month, e.g. "202612": a whole-number string 1 .. 999999. */
  month: string | bigint;
  spot_month?: boolean;
  /** Exactly 16 decimals, each |x| <= 1e15. */
  risk_array: DecimalInput[];
  delta: DecimalInput;
  option?: boolean;
  /** Options only: premium per contract, >= 0. */
  option_value?: DecimalInput;
}

export interface SpanPosition { /** Index into contracts. */ contract: string | bigint; quantity: DecimalInput }

export interface SpanCommodityParams {
  name: string;
  intra_spread_charge?: DecimalInput;
  spot_charge?: DecimalInput;
  short_option_minimum?: DecimalInput;
}

export interface SpanInterSpread { a: string; b: string; delta_a: DecimalInput; delta_b: DecimalInput; credit_rate: DecimalInput }

export interface SpanRequest {
  api_version: '1';
  span: {
    /** At most 4096 contracts and 4096 positions. */
    contracts: SpanContract[];
    positions: SpanPosition[];
    params: {
      /** 16 weights in [0, 1]; default CME's (1 for scenarios 1-14, 0.35 for the two extremes). */
      cover?: DecimalInput[];
      /** At most 256. */
      commodities: SpanCommodityParams[];
      /** At most 256, applied in list order (priority). */
      spreads?: SpanInterSpread[];
    };
  };
}

export interface SpanCommodityResult {
  name: string;
  scan_risk: Decimal;
  /** 0-based scenario of the scan risk; null when no scenario loses. */
  scan_scenario: string | null;
  intra_charge: Decimal;
  spot_charge: Decimal;
  inter_credit: Decimal;
  short_option_minimum: Decimal;
  net_delta: Decimal;
  /** max(scan + intra + spot - inter credit, short option minimum). */
  risk: Decimal;
}

export interface SpanResponse {
  api_version: '1';
  span: { commodities: SpanCommodityResult[]; total_risk: Decimal; net_option_value: Decimal; requirement: Decimal };
}

// ---------------------------------------------------------------- risk measures (docs/risk.md)

/** Daily closes of one symbol: CSV text ("date,close" then "YYYY-MM-DD,decimal" rows, LF or CRLF),
 *  or [date, close] rows. Dates strictly ascending; at most 3 missing days in a row (carried forward). */
export type PriceSeries = string | [string, DecimalInput][];

/** parametric: delta-normal; delta_gamma: delta-gamma(-vega) by Cornish-Fisher (docs/risk.md §Delta-gamma). */
export type RiskMethod = 'historical' | 'filtered_historical' | 'parametric' | 'monte_carlo' | 'delta_gamma';

/** The spot-vol rule of one symbol (or "*"): every implied vol x clamp(1 - beta r, min, max). */
export interface VolRule { beta?: DecimalInput; min?: DecimalInput; max?: DecimalInput }

/** The measure's parameters, all optional (defaults in docs/risk.md). Counts are whole-number strings (or bigints). */
export interface RiskParams {
  method?: RiskMethod;
  /** 0.5 < confidence < 1; default "0.99". */
  confidence?: DecimalInput;
  /** 1 .. 30, default "2". */
  horizon_days?: string | bigint;
  /** 1 .. 3650, default "1460". */
  lookback_days?: string | bigint;
  /** 0 < lambda < 1, default "0.97". */
  ewma_lambda?: DecimalInput;
  /** 0 .. 10, default "0" (off). */
  vol_floor?: DecimalInput;
  /** Monte Carlo: 1 .. 100000, default "10000". */
  paths?: string | bigint;
  /** Monte Carlo: 0 .. 2^64 - 1, default "0". */
  seed?: string | bigint;
  innovations?: 'normal' | 'student_t';
  /** Student t degrees of freedom, 3 .. 30, default "5". */
  dof?: string | bigint;
  /** The window's last day, "YYYY-MM-DD"; default the last day every series used has. */
  as_of?: string;
  vol_rules?: Record<string, VolRule>;
  /** Return the scenario P&L vector (`pnl`). */
  include_pnl?: boolean;
}

/** A margin request with the measure's parameters and the price history of what the account holds. */
export interface RiskRequest extends MarginRequest {
  risk?: RiskParams;
  /** One series per symbol; may be left out with `{ synthetic: true }`. */
  history?: Record<string, PriceSeries>;
}

export interface RiskOptions {
  /** Fill the series the request's history lacks from the shipped SYNTHETIC history, as `margin var --synthetic`. */
  synthetic?: boolean;
}

/** One of the tail's scenarios: its index, its date (HS, FHS: the day its h-day window ends) or path (MC), and its P&L. */
export interface WorstScenario { scenario: string; date?: string; path?: string; pnl: Decimal }

export interface RiskResult {
  method: RiskMethod;
  confidence: Decimal;
  horizon_days: string;
  window: { first: string; last: string };
  /** The number of scenarios (HS: lookback_days; MC: paths); absent for parametric. */
  scenarios?: string;
  /** k = ceil(scenarios x (1 - confidence)); absent for parametric. */
  tail_count?: string;
  /** Parametric and delta_gamma only: the h-day P&L standard deviation. */
  sigma?: Decimal;
  /** The k-th largest loss (parametric: ceil(z sigma)). */
  var: Decimal;
  /** ceil(the mean of the k largest losses): rounded against the account. */
  es: Decimal;
  /** ES by position (request order), by moving collateral and by symbol; each sums exactly to es. */
  es_by_position: Decimal[];
  es_by_collateral: Record<string, Decimal>;
  es_by_underlying: Record<string, Decimal>;
  /** delta_gamma only: the h-day loss's mean, skewness and excess kurtosis (Cornish-Fisher's inputs), and the
   *  quadratic form P&L = sum delta_s x_s + gamma_s x_s^2 / 2 in the symbols' log returns x. */
  delta_gamma?: DeltaGammaMoments;
  /** The first ten tail scenarios, worst first (not parametric). */
  worst?: WorstScenario[];
  /** keccak256 of the P&L vector as abi.encodePacked(int256[]) (not parametric). */
  pnl_hash?: string;
  /** Every scenario's P&L, with `include_pnl` (not parametric). */
  pnl?: Decimal[];
}

export interface DeltaGammaMoments {
  mean: Decimal;
  skewness: Decimal;
  excess_kurtosis: Decimal;
  delta: Record<string, Decimal>;
  gamma: Record<string, Decimal>;
}

export interface RiskResponse { api_version: '1'; risk: RiskResult }

/** The shipped SYNTHETIC price history (core/api/examples/history-synthetic.json): invented, seeded data, not market closes. */
export interface SyntheticHistoryDocument {
  label: 'SYNTHETIC';
  description: string;
  generator: string;
  seed: string;
  first: string;
  last: string;
  history: Record<'BTC' | 'ETH' | 'USDC', string>;
}

/** VaR and ES as the exact response bytes of `margin var --compact`; error documents are returned, not thrown. */
export function computeRiskText(request: RiskRequest | string, options?: RiskOptions): string;
/** VaR, ES, component ES and the worst scenarios. Throws MarginError (HISTORY_GAP, HISTORY_TOO_SHORT, ...). */
export function computeRisk(request: RiskRequest | string, options?: RiskOptions): RiskResponse;
/** The shipped SYNTHETIC price history (BTC, ETH, USDC; 1,600 days to 2025-12-31). */
export function syntheticHistory(): SyntheticHistoryDocument;

/** A stress/1 scenario (docs/stress.md §Document): decimals as strings, relative moves as returns (-0.3 = -30%). */
export interface StressScenario {
  name: string;
  underlyings?: Record<string, {
    spot?: string;
    vol?: { relative?: string; absolute?: string; skew?: string; term_power?: string; term_power_long?: string; term_floor_days?: string; floor?: string };
    basis?: string; perp_basis?: string; rate?: string; confidence_scale?: string;
    funding?: { rate: string; days: string };
  }>;
  derived?: Record<string, { lead: string; correlation?: string; vol_ratio?: string; beta?: string }>;
  collateral?: Record<string, { price?: string; haircut?: string; confidence_scale?: string }>;
  stable_price?: string;
  replay?: { from?: string; to?: string; stable?: string; trough?: string; vol_beta?: string;
             worst?: { lead: string; days?: string; direction?: 'down' | 'up' } };
}
export interface StressDocument { version: 'stress/1'; description?: string; scenarios: StressScenario[] }
/** A margin request with "stress" (a stress/1 document or "deribit" | "textbook" | "replays") and, for replays, "history". */
export interface StressRequest extends MarginRequest { stress: StressDocument | string; history?: Record<string, string | [string, string][]> }
export interface StressMargins { equity: string; initial_margin: string; maintenance_margin: string; free_collateral: string; health: string; liquidatable: boolean }
export interface StressScenarioResult extends StressMargins {
  name: string; pnl: string;
  pnl_by_contributor: { pointer: string; pnl: string; value?: string; underlying_price?: string; vol?: string }[];
  applied: StressScenario;
}
export interface StressResponse {
  api_version: '1';
  stress: { model: string; before: StressMargins; scenarios: StressScenarioResult[]; worst?: { index: string; name: string; pnl: string }; liquidatable_in: string };
}
/** The exact bytes of `margin stress --compact` (options.print: `--print-scenarios`); error documents are returned. */
export function stressTestText(request: StressRequest | string, options?: { print?: boolean; synthetic?: boolean }): string;
/** The account under each scenario. Throws MarginError. */
export function stressTest(request: StressRequest | string, options?: { print?: boolean; synthetic?: boolean }): StressResponse | StressDocument;

export interface ReverseStressRequest extends MarginRequest {
  reverse_stress: { grid?: string; scan?: string; max?: string;
                    directions?: ({ move: 'spot_down' | 'spot_up' | 'vol_up'; underlying: string } | { move: 'joint'; shape: Omit<StressScenario, 'name' | 'replay' | 'stable_price'> & { name?: string } })[] };
}
export interface ReverseStressResponse {
  api_version: '1';
  reverse_stress: { model: string; before: StressMargins; grid: string; scan: string;
    directions: { move: string; underlying?: string; shape?: StressScenario; max: string; found: boolean; already_liquidatable: boolean;
                  distance?: string; safe_distance?: string; liquidation_price?: string; scenario?: StressScenario; at?: StressMargins; evaluations: string }[] };
}
/** The exact bytes of `margin stress --reverse --compact`; error documents are returned. */
export function reverseStressText(request: ReverseStressRequest | string): string;
/** The smallest move along each direction that makes the account liquidatable (its liquidation prices by default). Throws MarginError. */
export function reverseStress(request: ReverseStressRequest | string): ReverseStressResponse;

/** Options of a book stress (docs/stress.md §Book-level stress). */
export interface StressBookOptions {
  /** The insurance fund the shortfall is set against: a decimal string or bigint wei (default "0"). */
  insuranceFund?: string | bigint;
  /** Top contributors per scenario, 0 .. 100 (default 10). */
  top?: number | string | bigint;
  /** Daily closes per symbol, for replays (as a request's "history"). */
  history?: Record<string, string | [string, string][]>;
  /** The series history lacks from the shipped SYNTHETIC history. */
  synthetic?: boolean;
}
export interface StressBookContributor { line: string; shortfall: string; equity: string; pnl: string }
export interface StressBookScenario {
  name: string; liquidatable: string; newly_liquidatable: string; pnl: string; shortfall: string; uncovered: string; covered: boolean;
  top: StressBookContributor[];
}
export interface StressBookResponse {
  api_version: '1';
  stress_book: { accounts: string; insurance_fund: string; before: { liquidatable: string; shortfall: string };
                 scenarios: StressBookScenario[]; worst?: { index: string; name: string; shortfall: string } };
}
/** The exact bytes of `margin stress-book --compact` for a book (JSON lines, or an array of requests) under a scenario set
 *  (a stress/1 document, its JSON text, or "deribit" | "textbook" | "replays"); error documents are returned. */
export function stressBookText(book: string | (MarginRequest | string)[], scenarios: StressDocument | string, options?: StressBookOptions): string;
/** Per scenario: accounts liquidatable, the book's P&L, the shortfall against the insurance fund, the top contributors. Throws MarginError. */
export function stressBook(book: string | (MarginRequest | string)[], scenarios: StressDocument | string, options?: StressBookOptions): StressBookResponse;

/** The exact response bytes (compact JSON, as `margin batch`); error documents are returned, not thrown. */
/** The SPAN risk-array requirement (docs/span.md): the exact response bytes, error documents included. */
export function computeSpanText(request: SpanRequest | string): string;
/** The same, parsed; throws MarginError on an error document. */
export function computeSpan(request: SpanRequest | string): SpanResponse;
export function computeMarginText(request: MarginRequest | string): string;
/** Computes a request. Throws MarginError. */
export function computeMargin(request: MarginRequest | string): MarginResponse;
/** The account at one scenario (portfolio model), as if it were the worst. Throws MarginError. */
export function evaluateScenario(request: MarginRequest | string, scenarioId: number | bigint | string): MarginResponse;
/** Margin before and after a trade. Throws MarginError (trade paths start with /trade). */
export function previewTrade(request: MarginRequest | string, trade: Trade | string): PreviewResponse;
/** The canonical encoding of a request. Throws MarginError. */
export function canonicalRequest(request: MarginRequest | string): string;
/** One scenario of a scenario set: the spot multiplier, the vol move and the scenario's weight. */
export interface Scenario {
  spot_shock: Decimal;
  vol: 'up' | 'down' | 'none' | 'linear_skew' | 'abs_skew';
  weight: Decimal;
}
/** A scenario set (scenario/1): the list that `worst_scenario` and `scenario_pnl` index, and its parameters. */
export type ScenarioSetDocument = { version: 'scenario/1'; name: string; scenarios: Scenario[] } & Record<string, unknown>;

/** A shipped document: the example request, a parameter document, or a portfolio preset's scenario set. */
export function shippedDocument(name: 'example'): MarginRequest;
export function shippedDocument(name: 'standard' | 'pmrm2' | 'span16'): ParameterDocument;
export function shippedDocument(name: 'scenarios/pmrm2' | 'scenarios/span16'): ScenarioSetDocument;
export function shippedDocument(name: 'history/synthetic'): SyntheticHistoryDocument;
/** An on-chain liquidation to replay (`margin replay --rpc URL --tx HASH --export FILE` writes one):
 *  integers are decimal strings of the raw on-chain values; `book` and `params` use the
 *  contract's field names (PortfolioMargin.Book / Params). */
export interface ReplayBundle {
  version: 'replay/1';
  underlying: string;
  market_timestamp: string;
  scenario: string;
  book: Record<string, unknown>;
  params: Record<string, unknown>;
  event: { input_hash: string; equity: string; maintenance: string } & Record<string, string>;
  witness?: { pnl: string; equity: string; maintenance: string; liquidatable: boolean };
  source?: Record<string, unknown>;
}
/** One compared field: the chain's value and the engine's. */
export interface ReplayField {
  field: 'input_hash' | 'event.equity' | 'event.maintenance' | 'event.liquidatable' | 'witness.scenario_pnl' | 'witness.equity' | 'witness.maintenance' | 'witness.liquidatable';
  chain: string | boolean;
  engine: string | boolean;
  match: boolean;
}
export interface ReplayReport {
  version: 'replay-report/1';
  /** Every field matches. */
  match: boolean;
  scenario: number;
  fields: ReplayField[];
  source?: Record<string, unknown>;
}
/** The replay report as compact JSON text (error documents returned, not thrown). */
export function replayText(bundle: ReplayBundle | string): string;
/** Recomputes an on-chain liquidation from its bundle. Throws MarginError (e.g. BAD_BUNDLE with the path). */
export function replayLiquidation(bundle: ReplayBundle | string): ReplayReport;
/** "margin <version> build <id> (json api v1, fixedpoint spec v1)", as `margin --version`. */
export function version(): string;
