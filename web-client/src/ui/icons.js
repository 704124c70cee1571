// Icons: Lucide (ISC licence) SVGs, imported one by one so only these end up in the bundle.
import {
  AirVent, Armchair, BatteryCharging, Bike, CalendarClock, ChevronDown, HandHeart, Footprints, BriefcaseMedical, Check, ChevronLeft, CircleQuestionMark, Clock, Droplet, Flame,
  ChartLine, Download, Languages, LocateFixed, MapPinPlus, Maximize2, LockKeyhole, MapPin, Microwave, Navigation, Phone, PlugZap, Refrigerator, RefreshCw, Scale,
  Smartphone, Stethoscope, TriangleAlert, Umbrella, Utensils, Wifi, Wrench, X, Toilet, createElement,
} from 'lucide';

export const AMENITY_ICONS = {
  drinking_water: Droplet,
  microwave: Microwave,
  phone_charging: Smartphone,
  ebike_charging: PlugZap,
  battery_swap: BatteryCharging,
  toilet: Toilet,
  air_conditioning: AirVent,
  heating: Flame,
  seating: Armchair,
  first_aid: BriefcaseMedical,
  wifi: Wifi,
  fridge: Refrigerator,
  lockers: LockKeyhole,
  umbrella: Umbrella,
  repair_tools: Wrench,
  canteen: Utensils,
  legal_aid: Scale,
  medical_service: Stethoscope,
};

const UI_ICONS = {
  check: Check,
  close: X,
  back: ChevronLeft,
  unknown: CircleQuestionMark,
  clock: Clock,
  languages: Languages,
  locate: LocateFixed,
  pin: MapPin,
  navigate: Navigation,
  phone: Phone,
  retry: RefreshCw,
  warning: TriangleAlert,
  walk: Footprints,
  ebike: Bike,
  expand: Maximize2,
  planner: ChartLine,
  download: Download,
  addPin: MapPinPlus,
  openAt: CalendarClock,
  services: HandHeart,
  more: ChevronDown,
};

/** An inline SVG icon, hidden from screen readers (its button or label carries the words). */
export function icon(name, { size = 20, strokeWidth = 2, className = 'icon' } = {}) {
  const node = AMENITY_ICONS[name] ?? UI_ICONS[name] ?? CircleQuestionMark;
  return createElement(node, { width: size, height: size, 'stroke-width': strokeWidth, class: className, 'aria-hidden': 'true', focusable: 'false' });
}
